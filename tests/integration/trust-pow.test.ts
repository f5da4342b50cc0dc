import request from 'supertest';
import { solvePow } from '@parley/sdk/pow';
import { createClient } from '@parley/sdk/client';
import { PowRequiredError } from '@parley/sdk/errors';
import type { PowChallengeResponse } from '@parley/protocol';
import {
  createSite,
  emitAck,
  moderatorSocket,
  modToken,
  postComment,
  readerSocket,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

async function guest(node: TestNode, site: TestSite, name = 'Gus'): Promise<string> {
  const res = await request(node.url).post(`/api/v1/sites/${site.siteId}/guest-token`).send({ name });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

async function challenge(node: TestNode, site: TestSite): Promise<PowChallengeResponse> {
  const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/challenge`);
  expect(res.status).toBe(200);
  return res.body as PowChallengeResponse;
}

async function solved(node: TestNode, site: TestSite): Promise<string> {
  const proof = await solvePow(await challenge(node, site));
  expect(proof).toEqual(expect.any(String));
  return proof!;
}

describe('proof of work for untrusted posters', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when a site leaves proofOfWork unset, then it is off and guests post without work', async () => {
    const site = await createSite(node, { guests: true });
    const settings = await request(node.url).get(`/api/v1/sites/${site.siteId}/settings`);
    expect(settings.body.settings.proofOfWork).toBe('off');
    const res = await postComment(node, site, '/p', await guest(node, site), 'no work needed');
    expect(res.status).toBe(201);
  });

  test('when a guest posts without work on a guests site, then 403 pow_required in the SPEC error shape', async () => {
    const site = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const res = await postComment(node, site, '/p', await guest(node, site), 'spam?');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'pow_required', message: expect.any(String) } });
  });

  test('when the guest sends a wrong or foreign solution, then 403 pow_required', async () => {
    const site = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const other = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const token = await guest(node, site);
    const bad = await postComment(node, site, '/p', token, { body: 'garbage', proofOfWork: 'bm90IGEgcHJvb2Y=' });
    expect(bad.status).toBe(403);
    expect(bad.body.error.code).toBe('pow_required');
    const foreign = await postComment(node, site, '/p', token, { body: 'foreign', proofOfWork: await solved(node, other) });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('pow_required');
    // A tampered solution: right challenge, wrong key.
    const proof = JSON.parse(Buffer.from(await solved(node, site), 'base64').toString()) as {
      solution: { derivedKey: string };
    };
    proof.solution.derivedKey = '00'.repeat(32);
    const tampered = await postComment(node, site, '/p', token, {
      body: 'tampered',
      proofOfWork: Buffer.from(JSON.stringify(proof)).toString('base64'),
    });
    expect(tampered.status).toBe(403);
  });

  test('when a guest solves the challenge, then 201; the same solution again is refused', async () => {
    const site = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const token = await guest(node, site);
    const proof = await solved(node, site);
    const first = await postComment(node, site, '/p', token, { body: 'worked for it', proofOfWork: proof });
    expect(first.status).toBe(201);
    expect(first.body.comment.body).toBe('worked for it');
    const again = await postComment(node, site, '/p', token, { body: 'again with the same proof', proofOfWork: proof });
    expect(again.status).toBe(403);
    expect(again.body.error).toEqual({ code: 'pow_required', message: expect.stringMatching(/already used/) });
    // Another guest replaying it fares no better.
    const thief = await postComment(node, site, '/p', await guest(node, site, 'Thief'), { body: 'stolen', proofOfWork: proof });
    expect(thief.status).toBe(403);
  });

  test('when a post over the socket carries a solution, then it is acknowledged; without one, pow_required', async () => {
    const site = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const socket = await readerSocket(node, { siteId: site.siteId, token: await guest(node, site) });
    const refused = await emitAck(socket, 'comment:post', {
      pageId: '/s',
      body: 'no work',
    });
    expect(refused).toEqual({ ok: false, error: { code: 'pow_required', message: expect.any(String) } });
    const ok = await emitAck(socket, 'comment:post', {
      pageId: '/s',
      body: 'with work',
      proofOfWork: await solved(node, site),
    });
    expect(ok.ok).toBe(true);
    expect(ok.comment.body).toBe('with work');
  });

  test('when the solution is used once on REST, then the socket refuses it too', async () => {
    const site = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const token = await guest(node, site);
    const proof = await solved(node, site);
    expect((await postComment(node, site, '/p', token, { body: 'rest first', proofOfWork: proof })).status).toBe(201);
    const socket = await readerSocket(node, { siteId: site.siteId, token });
    const ack = await emitAck(socket, 'comment:post', {
      pageId: '/p',
      body: 'socket second',
      proofOfWork: proof,
    });
    expect(ack.error?.code).toBe('pow_required');
  });

  test('when one IP posts in a burst, then its challenges cost more', async () => {
    const site = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const calm = await challenge(node, site);
    expect(calm.level).toBe(0);
    // Signed-in readers post without work on a `guests` site, but their posts still count for the IP.
    for (let i = 0; i < 6; i++) expect((await postComment(node, site, '/b', signToken(site), `burst ${i}`)).status).toBe(201);
    const busy = await challenge(node, site);
    expect(busy.level).toBe(2);
    expect(busy.expectedAttempts).toBeGreaterThan(calm.expectedAttempts * 3);
    expect(busy.challenge.parameters.data).toMatchObject({ siteId: site.siteId, level: 2 });
  });

  test('when the site is untrusted-only, then a reader a moderator approved posts without work and a new one needs it', async () => {
    const site = await createSite(node, { moderation: 'first', proofOfWork: 'untrusted' });
    const approvedId = uniqueId('u');
    const reader = signToken(site, { sub: approvedId });
    const firstProof = await solved(node, site);
    const held = await postComment(node, site, '/t', reader, { body: 'my first', proofOfWork: firstProof });
    expect(held.status).toBe(202);
    const mod = await moderatorSocket(node, site);
    expect(await emitAck(mod, 'comment:approve', { commentId: held.body.comment.id })).toMatchObject({ ok: true });
    const trusted = await postComment(node, site, '/t', reader, 'no work now');
    expect(trusted.status).toBe(201);
    const stranger = await postComment(node, site, '/t', signToken(site), 'who am I');
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('pow_required');
    const moderator = await postComment(node, site, '/t', modToken(site), 'moderators never work');
    expect(moderator.status).toBe(201);
  });

  test('when everyone must work, then even a signed-in reader is asked, and the SDK solves it by itself', async () => {
    const site = await createSite(node, { proofOfWork: 'everyone' });
    const token = signToken(site);
    expect((await postComment(node, site, '/e', token, 'plain')).status).toBe(403);
    const client = createClient({ url: node.url, siteId: site.siteId, token, transports: ['websocket'] });
    try {
      const { comment } = await client.post('/e', { body: 'the SDK did the work' });
      expect(comment.body).toBe('the SDK did the work');
      const strict = createClient({ url: node.url, siteId: site.siteId, token, proofOfWork: 'off' });
      await expect(strict.post('/e', { body: 'no solving here' })).rejects.toBeInstanceOf(PowRequiredError);
    } finally {
      client.disconnect();
    }
  });

  test('when the challenge route is asked for an unknown site, then 404', async () => {
    const res = await request(node.url).get('/api/v1/sites/no-such-site-x/challenge');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('proof of work without Redis', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode({ redis: 'none' });
  });
  afterAll(() => stopNode(node));

  test('when the node runs without Redis, then a solution is still accepted once (remembered in the node)', async () => {
    const site = await createSite(node, { guests: true, proofOfWork: 'guests' });
    const token = await guest(node, site);
    const proof = await solved(node, site);
    expect((await postComment(node, site, '/n', token, { body: 'first', proofOfWork: proof })).status).toBe(201);
    const again = await postComment(node, site, '/n', token, { body: 'second', proofOfWork: proof });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('pow_required');
  });
});
