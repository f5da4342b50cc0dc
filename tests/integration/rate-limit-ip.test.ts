import request from 'supertest';
import {
  closeSockets,
  createSite,
  postComment,
  readerSocket,
  signToken,
  startNode,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

/** Posts one comment as a fresh user, optionally claiming a client address with X-Forwarded-For. */
function postAsNewUser(node: TestNode, site: TestSite, body: string, forwardedFor?: string) {
  const req = postComment(node, site, 'p', signToken(site), body);
  return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
}

function guestToken(node: TestNode, site: TestSite, forwardedFor?: string) {
  const req = request(node.url).post(`/api/v1/sites/${site.siteId}/guest-token`).send({ name: 'Guest' });
  return forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req;
}

describe('per-IP, guest-token, flag and connection limits', () => {
  let direct: TestNode;
  let proxied: TestNode;
  beforeAll(async () => {
    [direct, proxied] = await Promise.all([startNode(), startNode({ trustProxy: 1 })]);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await Promise.all([direct.close(), proxied.close()]);
  });

  test('when many users post from one IP, then the per-IP limit refuses the post over it', async () => {
    const site = await createSite(direct, { limits: { postsPerMinutePerIp: 3 } });
    for (let i = 0; i < 3; i++) expect((await postAsNewUser(direct, site, `ip ${i}`)).status).toBe(201);
    const res = await postAsNewUser(direct, site, 'ip 4');
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  test('when TRUST_PROXY is off, then X-Forwarded-For is ignored and cannot buy a fresh IP budget', async () => {
    const site = await createSite(direct, { limits: { postsPerMinutePerIp: 2 } });
    expect((await postAsNewUser(direct, site, 'a', '198.51.100.1')).status).toBe(201);
    expect((await postAsNewUser(direct, site, 'b', '198.51.100.2')).status).toBe(201);
    expect((await postAsNewUser(direct, site, 'c', '198.51.100.3')).status).toBe(429);
  });

  test('when TRUST_PROXY is one hop, then X-Forwarded-For decides the IP and each address has its own budget', async () => {
    const site = await createSite(proxied, { limits: { postsPerMinutePerIp: 2 } });
    expect((await postAsNewUser(proxied, site, 'a', '203.0.113.7')).status).toBe(201);
    expect((await postAsNewUser(proxied, site, 'b', '203.0.113.7')).status).toBe(201);
    expect((await postAsNewUser(proxied, site, 'c', '203.0.113.7')).status).toBe(429);
    expect((await postAsNewUser(proxied, site, 'd', '203.0.113.8')).status).toBe(201);
    // Only the hop next to the proxy counts: a client-supplied left-most address is not trusted.
    expect((await postAsNewUser(proxied, site, 'e', '10.9.9.9, 203.0.113.7')).status).toBe(429);
  });

  test('when one IP asks for more guest tokens than the hourly limit, then it gets 429 with an hour-scale Retry-After', async () => {
    const site = await createSite(direct, { guests: true, limits: { guestTokensPerHourPerIp: 2 } });
    expect((await guestToken(direct, site)).status).toBe(201);
    expect((await guestToken(direct, site)).status).toBe(201);
    const res = await guestToken(direct, site);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(3600);
  });

  test('when guest tokens come through a trusted proxy, then each forwarded IP has its own guest-token budget', async () => {
    const site = await createSite(proxied, { guests: true, limits: { guestTokensPerHourPerIp: 1 } });
    expect((await guestToken(proxied, site, '203.0.113.20')).status).toBe(201);
    expect((await guestToken(proxied, site, '203.0.113.20')).status).toBe(429);
    expect((await guestToken(proxied, site, '203.0.113.21')).status).toBe(201);
  });

  test('when a reader flags more comments than the hourly limit, then the flag over it gets 429', async () => {
    const site = await createSite(direct, { limits: { flagsPerHourPerUser: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await postAsNewUser(direct, site, `flag me ${i}`)).body.comment.id as string);
    const flagger = signToken(site);
    const flag = (id: string) =>
      request(direct.url).post(`/api/v1/comments/${id}/flags`).set('Authorization', `Bearer ${flagger}`).send({ reason: 'spam' });
    expect((await flag(ids[0]!)).status).toBe(202);
    expect((await flag(ids[1]!)).status).toBe(202);
    const res = await flag(ids[2]!);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(60);
    // Another reader's flag is not affected.
    const other = await request(direct.url)
      .post(`/api/v1/comments/${ids[2]!}/flags`)
      .set('Authorization', `Bearer ${signToken(site)}`)
      .send({ reason: 'spam' });
    expect(other.status).toBe(202);
  });

  test('when one IP opens more sockets than the per-minute limit, then the next handshake fails with connect_error rate_limited', async () => {
    const site = await createSite(direct, { limits: { connectionsPerMinutePerIp: 2 } });
    await readerSocket(direct, { siteId: site.siteId });
    await readerSocket(direct, { siteId: site.siteId });
    const refused = await readerSocket(direct, { siteId: site.siteId }).then(
      () => null,
      (err: Error & { data?: { code: string; retryAfterMs?: number } }) => err,
    );
    expect(refused?.message).toBe('rate_limited');
    expect(refused?.data?.code).toBe('rate_limited');
    expect(refused?.data?.retryAfterMs).toBeGreaterThan(0);
  });

  test('when sockets connect through a trusted proxy, then each forwarded IP has its own connection budget', async () => {
    const site = await createSite(proxied, { limits: { connectionsPerMinutePerIp: 1 } });
    const via = (ip: string) => ({ extraHeaders: { 'X-Forwarded-For': ip } });
    await readerSocket(proxied, { siteId: site.siteId }, via('203.0.113.30'));
    await expect(readerSocket(proxied, { siteId: site.siteId }, via('203.0.113.30'))).rejects.toThrow('rate_limited');
    await readerSocket(proxied, { siteId: site.siteId }, via('203.0.113.31'));
  });
});
