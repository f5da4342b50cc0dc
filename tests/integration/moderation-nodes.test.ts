import { randomBytes } from 'node:crypto';
import {
  adminSocket,
  closeSockets,
  createSite,
  emitAck,
  modToken,
  postComment,
  signToken,
  startNode,
  uniqueId,
  until,
  type AdminClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };

/**
 * Bans and page locks are checked from per-node caches on the post path; a
 * change on one node must reach the other node's checks (at once by a notice
 * over the adapter, within a second when a notice is lost).
 */
describe('moderation across two server nodes sharing Redis', () => {
  let a: TestNode;
  let b: TestNode;
  let site: TestSite;
  let mod: AdminClient;
  beforeAll(async () => {
    const redisPrefix = `ptest:${randomBytes(4).toString('hex')}:`;
    a = await startNode({ redisPrefix });
    b = await startNode({ redisPrefix });
    site = await createSite(a, { limits: LIMITS });
    mod = await adminSocket(a, { siteId: site.siteId, token: modToken(site) });
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all([a.close(), b.close()]);
  });

  let n = 0;
  /** Posts a fresh body on node B; returns the status and error code. */
  const postOnB = async (pageId: string, token: string) => {
    const res = await postComment(b, site, pageId, token, `comment ${n++} on node B`);
    return { status: res.status, code: res.body.error?.code as string | undefined };
  };

  test('when a user is banned and unbanned through node A, then node B refuses and then accepts their posts', async () => {
    const userId = uniqueId('u');
    const token = signToken(site, { sub: userId });
    const pageId = uniqueId('page');
    // B has just looked the site's bans up, so they sit in its cache.
    expect((await postOnB(pageId, token)).status).toBe(201);
    expect(await emitAck(mod, 'user:ban', { userId })).toEqual({ ok: true });
    await until(async () => (await postOnB(pageId, token)).code === 'banned', 3000, 'node B to refuse the banned user');
    expect(await postOnB(pageId, token)).toEqual({ status: 403, code: 'banned' });
    expect(await emitAck(mod, 'user:unban', { userId })).toEqual({ ok: true });
    await until(async () => (await postOnB(pageId, token)).status === 201, 3000, 'node B to accept the unbanned user');
  });

  test('when a page is locked and unlocked through node A, then node B refuses and then accepts posts on it', async () => {
    const token = signToken(site);
    const pageId = uniqueId('page');
    expect((await postOnB(pageId, token)).status).toBe(201);
    expect(await emitAck(mod, 'page:lock', { pageId, locked: true })).toEqual({ ok: true });
    await until(async () => (await postOnB(pageId, token)).code === 'locked', 3000, 'node B to refuse posts on the locked page');
    expect(await postOnB(pageId, token)).toEqual({ status: 423, code: 'locked' });
    expect(await emitAck(mod, 'page:lock', { pageId, locked: false })).toEqual({ ok: true });
    await until(async () => (await postOnB(pageId, token)).status === 201, 3000, 'node B to accept posts again');
  });
});
