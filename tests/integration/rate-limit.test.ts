import request from 'supertest';
import {
  ADMIN_KEY,
  closeSockets,
  createSite,
  emitAck,
  postComment,
  readerSocket,
  signToken,
  startNode,
  uniqueId,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

/** Reads one labelled sample of `parley_rate_limited_total` from /metrics (0 when absent). */
async function rejections(node: TestNode, limit: string): Promise<number> {
  const res = await request(node.url).get('/metrics');
  const line = res.text.split('\n').find((l) => l.startsWith(`parley_rate_limited_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Posts `n` distinct comments over REST and returns their statuses. */
async function postMany(node: TestNode, site: TestSite, pageId: string, token: string, n: number, tag = 'c'): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await postComment(node, site, pageId, token, `${tag} ${i} ${uniqueId()}`)).status);
  return statuses;
}

describe('rate limits on posting (one node, shared Redis)', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await node.close();
  });

  test('when one user posts six comments over REST in a minute, then the sixth gets 429 rate_limited with Retry-After', async () => {
    const site = await createSite(node);
    const token = signToken(site);
    expect(await postMany(node, site, 'p', token, 5)).toEqual([201, 201, 201, 201, 201]);
    const res = await postComment(node, site, 'p', token, 'one too many');
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(res.body.error.retryAfterMs).toBeLessThanOrEqual(60_000);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  test('when one user posts six comments over the socket, then the sixth ack is { ok: false, error: rate_limited, retryAfterMs }', async () => {
    const site = await createSite(node);
    const socket = await readerSocket(node, { siteId: site.siteId, token: signToken(site) });
    for (let i = 0; i < 5; i++) {
      const ack = await emitAck(socket, 'comment:post', { pageId: 'p', body: `socket ${i}` });
      expect(ack.ok).toBe(true);
    }
    const ack = await emitAck(socket, 'comment:post', { pageId: 'p', body: 'socket 6' });
    expect(ack).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: expect.any(String), retryAfterMs: expect.any(Number) },
    });
    expect(ack.error.retryAfterMs).toBeGreaterThan(0);
  });

  test('when a user mixes REST and socket posts, then they share one budget and the sixth post is refused on either path', async () => {
    const site = await createSite(node);
    const sub = uniqueId('u');
    const token = signToken(site, { sub });
    const socket = await readerSocket(node, { siteId: site.siteId, token: signToken(site, { sub }) });
    expect(await postMany(node, site, 'p', token, 3)).toEqual([201, 201, 201]);
    for (let i = 0; i < 2; i++)
      expect((await emitAck(socket, 'comment:post', { pageId: 'p', body: `mixed ${i}` })).ok).toBe(true);
    expect((await postComment(node, site, 'p', token, 'sixth over REST')).status).toBe(429);
    const ack = await emitAck(socket, 'comment:post', {
      pageId: 'p',
      body: 'sixth over the socket',
    });
    expect(ack.ok).toBe(false);
    expect(ack.error?.code).toBe('rate_limited');
  });

  test('when another user posts on the same site, then their budget is their own', async () => {
    const site = await createSite(node);
    expect(await postMany(node, site, 'p', signToken(site), 5)).toEqual([201, 201, 201, 201, 201]);
    expect((await postComment(node, site, 'p', signToken(site), 'a different reader')).status).toBe(201);
  });

  test('when a site raises its limit with PATCH /sites/:id, then the higher limit applies at once', async () => {
    const site = await createSite(node);
    const token = signToken(site);
    const patch = await request(node.url)
      .patch(`/api/v1/sites/${site.siteId}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ limits: { postsPerMinutePerUser: 8 } });
    expect(patch.status).toBe(200);
    expect(patch.body.site.limits).toMatchObject({ postsPerMinutePerUser: 8, postsPerMinutePerIp: 30 });
    expect(await postMany(node, site, 'p', token, 8)).toEqual(Array(8).fill(201));
    expect((await postComment(node, site, 'p', token, 'ninth')).status).toBe(429);
  });

  test('when the same author posts the same body on the same page twice, then the second gets 409 conflict and is not counted', async () => {
    const site = await createSite(node);
    const token = signToken(site);
    expect((await postComment(node, site, 'p', token, 'same words')).status).toBe(201);
    const again = await postComment(node, site, 'p', token, 'same words');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    // The duplicate did not use up budget: four more distinct posts still fit in the five.
    expect(await postMany(node, site, 'p', token, 4)).toEqual([201, 201, 201, 201]);
    expect((await postComment(node, site, 'p', token, 'the sixth counted one')).status).toBe(429);
  });

  test('when the same body goes to another page or comes from another author, then it is not a duplicate', async () => {
    const site = await createSite(node);
    const token = signToken(site);
    expect((await postComment(node, site, 'p1', token, 'shared words')).status).toBe(201);
    expect((await postComment(node, site, 'p2', token, 'shared words')).status).toBe(201);
    expect((await postComment(node, site, 'p1', signToken(site), 'shared words')).status).toBe(201);
  });

  test('when a retry carries the same clientNonce, then it returns the first comment instead of a 409 or a second count', async () => {
    const site = await createSite(node);
    const token = signToken(site);
    const first = await postComment(node, site, 'p', token, { body: 'retried words', clientNonce: 'n-1' });
    const retry = await postComment(node, site, 'p', token, { body: 'retried words', clientNonce: 'n-1' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body.comment.id).toBe(first.body.comment.id);
    expect(await postMany(node, site, 'p', token, 4)).toEqual([201, 201, 201, 201]);
  });

  test('when a post is refused by a limit, then /metrics counts it under that limit', async () => {
    const site = await createSite(node, { limits: { postsPerMinutePerUser: 1 } });
    const token = signToken(site);
    const before = await rejections(node, 'postsPerMinutePerUser');
    expect(await postMany(node, site, 'p', token, 3)).toEqual([201, 429, 429]);
    expect(await rejections(node, 'postsPerMinutePerUser')).toBe(before + 2);
  });

  test('when /metrics is scraped on a fresh node, then it lists a rejection counter for every limit', async () => {
    const res = await request(node.url).get('/metrics');
    for (const limit of [
      'postsPerMinutePerUser',
      'postsPerMinutePerIp',
      'guestTokensPerHourPerIp',
      'flagsPerHourPerUser',
      'connectionsPerMinutePerIp',
    ]) {
      expect(res.text).toMatch(new RegExp(`^parley_rate_limited_total\\{limit="${limit}"\\} \\d+$`, 'm'));
    }
  });
});
