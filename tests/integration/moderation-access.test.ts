import request from 'supertest';
import { Types } from 'mongoose';
import { dayOf } from '../../server/src/infra/latest-by-day';
import { ModerationRepository } from '../../server/src/modules/moderation/moderation.repository';
import type { Comment } from '@parley/protocol';
import {
  ADMIN_KEY,
  adminSocket,
  createSite,
  emitAck,
  listComments,
  moderatorSocket,
  modToken,
  nextEvent,
  postComment,
  record,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type AdminClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

type Fail = { ok: false; error: { code: string } };
type AuditPage = {
  entries: {
    actor: { id: string; name: string };
    action: string;
    target: { type: string; id: string };
    reason: string | null;
    at: string;
  }[];
  nextCursor: string | null;
};
const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };

describe('who may moderate, and the audit log', () => {
  let node: TestNode;
  let site: TestSite;
  let other: TestSite;
  let mod: AdminClient;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node, { limits: LIMITS, moderation: 'pre' });
    other = await createSite(node, { limits: LIMITS, moderation: 'pre' });
    mod = await moderatorSocket(node, site, { sub: 'mod-a', name: 'Ann Mod' });
  });
  afterAll(() => stopNode(node));

  const audit = (siteId: string, bearer?: string, query: Record<string, string | number> = {}) => {
    const req = request(node.url).get(`/api/v1/sites/${siteId}/audit`).query(query);
    return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
  };

  test.each([
    ['no token', undefined],
    ['a reader token', () => signToken(site)],
    ['a token with an unknown role', () => signToken(site, { roles: ['editor'] })],
  ])('when /admin is opened with %s, then the connection is refused with forbidden', async (_what, token) => {
    await expect(adminSocket(node, { siteId: site.siteId, token: token?.() })).rejects.toMatchObject({ message: 'forbidden' });
  });

  test('when a moderator of another site connects with this site’s id, then the connection is refused with invalid_token', async () => {
    await expect(adminSocket(node, { siteId: site.siteId, token: modToken(other) })).rejects.toMatchObject({
      message: 'invalid_token',
    });
    await expect(adminSocket(node, { siteId: site.siteId, token: modToken(other, { site: site.siteId }) })).rejects.toMatchObject(
      { message: 'invalid_token' },
    );
  });

  test('when a moderator acts on another site’s comments, users or pages, then nothing there changes', async () => {
    const pageId = uniqueId('page');
    const theirs = await postComment(node, other, pageId, signToken(other, { sub: 'shared-user' }), 'theirs');
    const id = theirs.body.comment.id as string;
    for (const event of ['comment:approve', 'comment:reject', 'comment:delete'] as const) {
      expect(((await emitAck(mod, event, { commentId: id })) as Fail).error.code).toBe('not_found');
    }
    expect((await listComments(node, other, pageId, {}, modToken(other))).body.comments).toMatchObject([
      { id, status: 'pending' },
    ]);
    const mine = await emitAck(mod, 'queue:list', { status: 'pending' });
    expect(mine.comments.map((c) => c.id)).not.toContain(id);
    await emitAck(mod, 'user:ban', { userId: 'shared-user' });
    await emitAck(mod, 'page:lock', { pageId, locked: true });
    expect((await postComment(node, other, pageId, signToken(other, { sub: 'shared-user' }), 'still allowed')).status).toBe(202);
  });

  test('when comments and flags arrive, then mod:comment and mod:flag reach the moderators of that site only', async () => {
    const [s1, s2] = [await createSite(node, { limits: LIMITS }), await createSite(node, { limits: LIMITS })];
    const [m1, m2] = [await moderatorSocket(node, s1), await moderatorSocket(node, s2)];
    const logs = [m1, m2].map((m) => ({
      comments: record(m, 'mod:comment'),
      flags: record(m, 'mod:flag'),
    }));
    const posted = await postComment(node, s1, 'p', signToken(s1), 'for site one');
    await request(node.url)
      .post(`/api/v1/comments/${posted.body.comment.id}/flags`)
      .set('Authorization', `Bearer ${signToken(s1)}`)
      .send({ reason: 'spam' })
      .expect(202);
    // Site two's own events are markers: once they are in, site one's would have been too.
    const marks = [
      nextEvent(m2, 'mod:comment', (e: { comment: Comment }) => e.comment.body === 'for site two'),
      nextEvent(m2, 'mod:flag'),
    ];
    const theirs = await postComment(node, s2, 'p', modToken(s2), 'for site two');
    await request(node.url)
      .post(`/api/v1/comments/${theirs.body.comment.id}/flags`)
      .set('Authorization', `Bearer ${signToken(s2)}`)
      .send({ reason: 'meh' })
      .expect(202);
    await Promise.all(marks);
    expect(logs[0]!.comments.map((e) => e.comment.body)).toEqual(['for site one']);
    expect(logs[0]!.flags.map((e) => e.comment.id)).toEqual([posted.body.comment.id]);
    // A moderator's own (visible) comment is announced to moderators too.
    expect(logs[1]!.comments.map((e) => [e.comment.body, e.comment.status])).toEqual([['for site two', 'visible']]);
    expect(logs[1]!.flags.map((e) => e.comment.id)).toEqual([theirs.body.comment.id]);
    m1.close();
    m2.close();
  });

  test('when moderators act, then each action is in the audit log with who, what, when and why', async () => {
    const s = await createSite(node, { limits: LIMITS, moderation: 'pre' });
    const m = await moderatorSocket(node, s, { sub: 'auditor', name: 'Audra' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await postComment(node, s, 'audited', signToken(s), `audited ${i}`)).body.comment.id);
    const started = Date.now();
    await emitAck(m, 'comment:approve', { commentId: ids[0]! });
    await emitAck(m, 'comment:reject', { commentId: ids[1]!, reason: 'off topic' });
    await emitAck(m, 'comment:delete', { commentId: ids[2]!, reason: 'spam' });
    await emitAck(m, 'user:ban', { userId: 'bad-user', reason: 'abuse', until: new Date(Date.now() + 3_600_000).toISOString() });
    await emitAck(m, 'user:unban', { userId: 'bad-user' });
    await emitAck(m, 'page:lock', { pageId: 'audited', locked: true });
    await emitAck(m, 'page:lock', { pageId: 'audited', locked: false });

    const res = await audit(s.siteId, ADMIN_KEY);
    expect(res.status).toBe(200);
    const entries = (res.body as AuditPage).entries;
    expect(entries.map((e) => [e.action, e.target.type, e.target.id, e.reason])).toEqual([
      ['page.unlock', 'page', 'audited', null],
      ['page.lock', 'page', 'audited', null],
      ['user.unban', 'user', 'bad-user', null],
      ['user.ban', 'user', 'bad-user', 'abuse'],
      ['comment.delete', 'comment', ids[2], 'spam'],
      ['comment.reject', 'comment', ids[1], 'off topic'],
      ['comment.approve', 'comment', ids[0], null],
    ]);
    for (const e of entries) {
      expect(e.actor).toEqual({ id: 'auditor', name: 'Audra' });
      expect(new Date(e.at).getTime()).toBeGreaterThanOrEqual(started - 1000);
    }
    const first = (await audit(s.siteId, ADMIN_KEY, { limit: 4 })).body as AuditPage;
    const rest = (await audit(s.siteId, ADMIN_KEY, { limit: 4, cursor: first.nextCursor! })).body as AuditPage;
    expect([...first.entries, ...rest.entries].map((e) => e.action)).toEqual(entries.map((e) => e.action));
    expect(rest.nextCursor).toBeNull();
    expect((await audit(s.siteId, signToken(s, { roles: ['admin'] }))).body.entries).toHaveLength(7);
    expect((await audit(other.siteId, ADMIN_KEY)).body.entries.map((e: { target: { id: string } }) => e.target.id)).not.toContain(
      'bad-user',
    );
    m.close();
  });

  test.each([
    ['no credentials', 401, 'invalid_token', () => undefined],
    ['a wrong admin key', 401, 'invalid_token', () => 'not-the-admin-key'],
    ['a reader token', 403, 'forbidden', () => signToken(site)],
    ['a moderator token', 403, 'forbidden', () => modToken(site)],
    ['an admin token of another site', 401, 'invalid_token', () => signToken(other, { roles: ['admin'] })],
  ])('when the audit log is requested with %s, then the answer is %i %s', async (_what, status, code, bearer) => {
    const res = await audit(site.siteId, bearer());
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
  });

  test('when a site’s audit log spans years, then it pages newest first across the days read one by one and the older rest, without gaps', async () => {
    const s = await createSite(node);
    // Straight into the store, dated by their ids; one from before entries carried their day (the start-up backfill).
    const daysAgo = [0, 2, 30, 61, 62, 90, 700];
    await node.mongo.db!.collection('audit_log').insertMany(
      daysAgo.map((d) => {
        const _id = Types.ObjectId.createFromTime(Math.floor((Date.now() - d * 86_400_000 - 60_000) / 1000));
        const entry = {
          _id,
          siteId: s.siteId,
          actorId: 'm',
          actorName: 'M',
          action: 'page.lock',
          targetType: 'page',
          targetId: `p${d}`,
          reason: null,
          at: _id.getTimestamp(),
        };
        return d === 30 ? entry : { ...entry, day: dayOf(_id) };
      }),
    );
    await node.mongo.db!.collection('parley_meta').deleteMany({});
    await new ModerationRepository(node.mongo).init('unique');
    for (const limit of [1, 3, 100]) {
      const targets: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page = (await audit(s.siteId, ADMIN_KEY, { limit, ...(cursor ? { cursor } : {}) })).body as AuditPage;
        targets.push(...page.entries.map((e) => e.target.id));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(targets).toEqual(daysAgo.map((d) => `p${d}`));
    }
  });

  test('when the audit log of an unknown site is requested with the admin key, then the answer is 404', async () => {
    expect((await audit('no-such-site-x', ADMIN_KEY)).status).toBe(404);
  });
});
