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
  until,
  type TestNode,
  type TestSite,
} from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';

/** Posts `n` distinct comments as one token on one node and returns the statuses. */
async function postMany(node: TestNode, site: TestSite, token: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await postComment(node, site, 'p', token, `n ${i} ${uniqueId()}`)).status);
  return statuses;
}

async function readyz(node: TestNode): Promise<{ status: number; redis: string }> {
  const res = await request(node.url).get('/readyz');
  return { status: res.status, redis: res.body.checks?.redis as string };
}

describe('rate limits across two nodes sharing Redis', () => {
  let a: TestNode;
  let b: TestNode;
  beforeAll(async () => {
    const redisPrefix = `ptest:${uniqueId('pair')}:`;
    [a, b] = await Promise.all([startNode({ redisPrefix }), startNode({ redisPrefix })]);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  test('when one user posts on two nodes, then the nodes enforce one combined budget', async () => {
    const site = await createSite(a);
    const sub = uniqueId('u');
    expect(await postMany(a, site, signToken(site, { sub }), 3)).toEqual([201, 201, 201]);
    const socket = await readerSocket(b, { siteId: site.siteId, token: signToken(site, { sub }) });
    for (let i = 0; i < 2; i++) expect((await emitAck(socket, 'comment:post', { pageId: 'p', body: `on b ${i}` })).ok).toBe(true);
    expect((await postComment(b, site, 'p', signToken(site, { sub }), 'sixth on b')).status).toBe(429);
    expect((await postComment(a, site, 'p', signToken(site, { sub }), 'sixth on a')).status).toBe(429);
  });

  test('when the same body is posted on the other node within a minute, then it is a duplicate there too', async () => {
    const site = await createSite(a);
    const sub = uniqueId('u');
    expect((await postComment(a, site, 'p', signToken(site, { sub }), 'twice across nodes')).status).toBe(201);
    expect((await postComment(b, site, 'p', signToken(site, { sub }), 'twice across nodes')).status).toBe(409);
  });

  test('when a site raises its limit through one node, then the other node applies it too', async () => {
    const site = await createSite(a);
    // Node b caches the site with the default limits first.
    expect((await postComment(b, site, 'p', signToken(site), 'warm the cache')).status).toBe(201);
    const patch = await request(a.url)
      .patch(`/api/v1/sites/${site.siteId}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ limits: { postsPerMinutePerUser: 10 } });
    expect(patch.status).toBe(200);
    // The change notice travels over Redis: a probe user's sixth post is refused until it lands on b.
    const probe = signToken(site);
    expect(await postMany(b, site, probe, 5)).toEqual(Array(5).fill(201));
    await until(async () => (await postMany(b, site, probe, 1))[0] === 201, 5000, 'the raised limit on node b');
    const token = signToken(site);
    expect(await postMany(b, site, token, 10)).toEqual(Array(10).fill(201));
    expect((await postComment(b, site, 'p', token, 'eleventh')).status).toBe(429);
  });
});

describe('rate limits when Redis goes away (private Redis)', () => {
  let redis: PrivateRedis;
  let a: TestNode;
  let b: TestNode;
  let unhandled = 0;
  const onUnhandled = () => void unhandled++;
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await startPrivateRedis();
    const redisPrefix = `ptest:${uniqueId('outage')}:`;
    [a, b] = await Promise.all([startNode({ redis: redis.url, redisPrefix }), startNode({ redis: redis.url, redisPrefix })]);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await redis.stop();
    process.off('unhandledRejection', onUnhandled);
  });

  test('when Redis is down, then posting still answers, limits hold per node, and shared limits return with Redis', async () => {
    const site = await createSite(a);
    await redis.stop();
    await Promise.all([a, b].map((n) => until503(n)));

    const sub = uniqueId('u');
    const token = signToken(site, { sub });
    const onA = await postMany(a, site, token, 6);
    expect(onA).toEqual([201, 201, 201, 201, 201, 429]);
    // Per node: the other node's insurance limiter has its own budget for the same user.
    const onB = await postMany(b, site, token, 6);
    expect(onB).toEqual([201, 201, 201, 201, 201, 429]);
    const ack = await readerSocket(b, { siteId: site.siteId, token }).then((s) =>
      emitAck(s, 'comment:post', { pageId: 'p', body: 'socket while down' }),
    );
    expect(ack.error?.code).toBe('rate_limited');

    await redis.start();
    await Promise.all([a, b].map((n) => untilReady(n)));
    const fresh = signToken(site, { sub: uniqueId('u') });
    expect(await postMany(a, site, fresh, 3)).toEqual([201, 201, 201]);
    expect(await postMany(b, site, fresh, 3)).toEqual([201, 201, 429]);
    expect(unhandled).toBe(0);
  });

  async function until503(node: TestNode): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r = await readyz(node);
      if (r.status === 503 && r.redis === 'down') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('readiness never reported Redis down');
  }

  async function untilReady(node: TestNode): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await readyz(node)).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('readiness never came back');
  }
});
