import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createLogger } from '../../server/src/logger';
import { DEMO_SITE_ID, ensureDemoSite } from '../../server/src/modules/demo/demo-site';
import {
  adminSocket,
  closeSockets,
  createSite,
  emitAck,
  postComment,
  readerSocket,
  startNode,
  stopNode,
  type TestNode,
} from '../helpers/harness';

const guestToken = (node: TestNode, siteId: string, body: object = { name: 'Visitor' }) =>
  request(node.url).post(`/api/v1/sites/${siteId}/guest-token`).send(body);

describe('guest tokens', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when the site allows guests, then a guest token is issued that posts as a role-less guest on REST and socket', async () => {
    const site = await createSite(node, { guests: true });
    const res = await guestToken(node, site.siteId, { name: '  Visitor  ' });
    expect(res.status).toBe(201);
    const { token, expiresAt } = res.body as { token: string; expiresAt: string };
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).toMatchObject({ alg: 'HS256', kid: 'parley-guest' });
    const payload = decoded.payload as Record<string, unknown>;
    expect(payload).toMatchObject({ name: 'Visitor', site: site.siteId, sub: expect.stringMatching(/^guest:/) });
    expect(payload.roles).toBeUndefined();
    expect(Date.parse(expiresAt)).toBe((payload.exp as number) * 1000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 86400 * 1000);

    const posted = await postComment(node, site, 'guests', token, 'hello as a guest');
    expect(posted.status).toBe(201);
    expect(posted.body.comment.author).toEqual({ id: payload.sub, name: 'Visitor', avatar: null, guest: true });
    const socket = await readerSocket(node, { siteId: site.siteId, token });
    const ack = await emitAck(socket, 'comment:post', {
      pageId: 'guests',
      body: 'socket guest',
    });
    expect(ack.comment.author.guest).toBe(true);
    await expect(adminSocket(node, { siteId: site.siteId, token })).rejects.toThrow('forbidden');
  });

  test('when two guests ask, then each gets its own random id', async () => {
    const site = await createSite(node, { guests: true });
    const subs = await Promise.all(
      [1, 2].map(async () => (jwt.decode((await guestToken(node, site.siteId)).body.token) as { sub: string }).sub),
    );
    expect(subs[0]).not.toBe(subs[1]);
  });

  test('when the site does not allow guests, then the answer is 403 forbidden', async () => {
    const site = await createSite(node);
    const res = await guestToken(node, site.siteId);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  test('when the site is unknown, then the answer is 404 not_found', async () => {
    const res = await guestToken(node, 'no-such-site');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  test.each([[{}], [{ name: '' }], [{ name: 'n'.repeat(65) }], [{ name: 42 }]])(
    'when the body is %j, then the answer is 400 bad_request',
    async (body) => {
      const site = await createSite(node, { guests: true });
      expect((await guestToken(node, site.siteId, body)).status).toBe(400);
    },
  );

  test('when a guest token of one site is used on another, then it is invalid_token', async () => {
    const a = await createSite(node, { guests: true });
    const b = await createSite(node, { guests: true });
    const { token } = (await guestToken(node, a.siteId)).body as { token: string };
    expect((await postComment(node, b, 'p', token, 'x')).body.error.code).toBe('invalid_token');
    await expect(readerSocket(node, { siteId: b.siteId, token })).rejects.toThrow('invalid_token');
  });

  test('when one IP asks for more than the default 10 guest tokens an hour, then the 11th is 429 rate_limited with Retry-After', async () => {
    const site = await createSite(node, { guests: true });
    const other = await createSite(node, { guests: true });
    for (let i = 0; i < 10; i += 1) expect((await guestToken(node, site.siteId)).status).toBe(201);
    const res = await guestToken(node, site.siteId);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(3600);
    // Limits are per site.
    expect((await guestToken(node, other.siteId)).status).toBe(201);
  });

  test('when a site lowers guestTokensPerHourPerIp to 2, then the third is refused', async () => {
    const site = await createSite(node, { guests: true, limits: { guestTokensPerHourPerIp: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await guestToken(node, site.siteId)).status);
    expect(statuses).toEqual([201, 201, 429]);
  });
});

describe('development helpers', () => {
  test('when in development, then the demo site exists once with guests and /dev/token signs reader and moderator tokens', async () => {
    const node = await startNode({ dev: true });
    try {
      const { sites } = node.app.services;
      await ensureDemoSite(sites, createLogger('silent'));
      await ensureDemoSite(sites, createLogger('silent'));
      expect(await sites.get(DEMO_SITE_ID)).toMatchObject({ siteId: 'demo', guests: true });
      const mod = await request(node.url).post('/api/v1/dev/token').send({ role: 'moderator' });
      expect(mod.status).toBe(201);
      await expect(adminSocket(node, { siteId: DEMO_SITE_ID, token: mod.body.token })).resolves.toBeDefined();
      const reader = await request(node.url).post('/api/v1/dev/token').send({ role: 'reader', name: 'Dana' });
      const posted = await postComment(node, { siteId: DEMO_SITE_ID, secret: '' }, 'dev', reader.body.token, 'hi');
      expect(posted.body.comment.author).toMatchObject({ name: 'Dana', guest: false });
      await expect(adminSocket(node, { siteId: DEMO_SITE_ID, token: reader.body.token })).rejects.toThrow('forbidden');
    } finally {
      closeSockets();
      await node.close();
    }
  });

  test('when in production, then there is no token-signing endpoint and no demo page', async () => {
    const node = await startNode({ dev: false, redis: 'none' });
    try {
      const res = await request(node.url).post('/api/v1/dev/token').send({ role: 'moderator' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      expect((await request(node.url).get('/')).status).toBe(404);
    } finally {
      await node.close();
    }
  });
});
