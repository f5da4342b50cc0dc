import request from 'supertest';
import type { Comment } from '@parley/protocol';
import {
  createSite,
  emitAck,
  listComments,
  moderatorSocket,
  nextEvent,
  postComment,
  readerSocket,
  signToken,
  startModeratedSite,
  stopNode,
  uniqueId,
  until,
  type AdminClient,
  type ReaderClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

type Fail = { ok: false; error: { code: string } };
const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000, flagsPerHourPerUser: 1000 };

describe('admin events and their effect on readers', () => {
  let node: TestNode;
  let site: TestSite;
  let mod: AdminClient;
  beforeAll(async () => {
    ({ node, site, mod } = await startModeratedSite({ limits: LIMITS }, { name: 'Mia Mod' }));
  });
  afterAll(() => stopNode(node));

  async function reader(pageId: string): Promise<ReaderClient> {
    const socket = await readerSocket(node, { siteId: site.siteId });
    await emitAck(socket, 'page:join', { pageId });
    return socket;
  }

  const api = (token: string) => ({
    edit: (id: string, body: string) =>
      request(node.url).patch(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${token}`).send({ body }),
    like: (id: string) => request(node.url).put(`/api/v1/comments/${id}/reactions/like`).set('Authorization', `Bearer ${token}`),
    flag: (id: string, reason: string) =>
      request(node.url).post(`/api/v1/comments/${id}/flags`).set('Authorization', `Bearer ${token}`).send({ reason }),
    remove: (id: string) => request(node.url).delete(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${token}`),
  });

  test('when a moderator deletes a comment, then the ack carries the tombstone and readers get comment:deleted', async () => {
    const pageId = uniqueId('page');
    const r = await reader(pageId);
    const { body } = await postComment(node, site, pageId, signToken(site), 'rude words');
    const gone = nextEvent(r, 'comment:deleted');
    const ack = await emitAck(mod, 'comment:delete', {
      commentId: body.comment.id,
      reason: 'rude',
    });
    expect(ack.comment).toMatchObject({ id: body.comment.id, status: 'deleted', body: '', html: '' });
    expect(await gone).toEqual({ id: body.comment.id, pageId });
    expect((await listComments(node, site, pageId)).body.total).toBe(0);
  });

  test('when a moderator rejects a visible comment, then readers lose it and its author still sees it as rejected', async () => {
    const pageId = uniqueId('page');
    const r = await reader(pageId);
    const author = signToken(site, { sub: 'rejected-author' });
    const { body } = await postComment(node, site, pageId, author, 'off topic');
    const gone = nextEvent(r, 'comment:deleted', (e) => e.id === body.comment.id);
    const ack = await emitAck(mod, 'comment:reject', {
      commentId: body.comment.id,
      reason: 'off topic',
    });
    expect(ack.comment).toMatchObject({ status: 'rejected', moderation: { reason: 'off topic' } });
    await gone;
    expect((await listComments(node, site, pageId)).body.comments).toEqual([]);
    expect((await listComments(node, site, pageId, {}, author)).body.comments).toMatchObject([
      { id: body.comment.id, status: 'rejected' },
    ]);
  });

  test('when a user is banned, then their posts, edits, reactions and flags get 403 banned on REST and the socket, on this site only', async () => {
    const pageId = uniqueId('page');
    const userId = uniqueId('troll');
    const troll = signToken(site, { sub: userId });
    const own = await postComment(node, site, pageId, troll, 'before the ban');
    const other = await postComment(node, site, pageId, signToken(site), 'someone else');
    expect(await emitAck(mod, 'user:ban', { userId, reason: 'trolling' })).toEqual({ ok: true });

    const banned = (res: request.Response) =>
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 403, code: 'banned' });
    banned(await postComment(node, site, pageId, troll, 'after the ban'));
    banned(await api(troll).edit(own.body.comment.id, 'edited after the ban'));
    banned(await api(troll).like(other.body.comment.id));
    banned(await api(troll).flag(other.body.comment.id, 'revenge'));
    const socket = await readerSocket(node, { siteId: site.siteId, token: troll });
    expect(((await emitAck(socket, 'comment:post', { pageId, body: 'over the socket' })) as Fail).error.code).toBe('banned');

    const elsewhere = await createSite(node);
    expect((await postComment(node, elsewhere, pageId, signToken(elsewhere, { sub: userId }), 'other site')).status).toBe(201);

    expect(await emitAck(mod, 'user:unban', { userId })).toEqual({ ok: true });
    expect((await postComment(node, site, pageId, troll, 'after the unban')).status).toBe(201);
  });

  test('when a ban has an end, then it holds until then and lapses by itself', async () => {
    const userId = uniqueId('timeout');
    const token = signToken(site, { sub: userId });
    const until_ = new Date(Date.now() + 1500).toISOString();
    expect(await emitAck(mod, 'user:ban', { userId, until: until_ })).toEqual({ ok: true });
    const { body } = await postComment(node, site, 'timed', signToken(site), 'like target');
    expect((await api(token).like(body.comment.id)).status).toBe(403);
    await until(async () => (await api(token).like(body.comment.id)).status === 200, 5000, 'the ban to lapse');
    expect(new Date(until_).getTime()).toBeLessThanOrEqual(Date.now());
    const past = (await emitAck(mod, 'user:ban', { userId, until: new Date(Date.now() - 1000).toISOString() })) as Fail;
    expect(past.error.code).toBe('bad_request');
  });

  test('when a page is locked, then writes get 423 locked, readers get page:locked, and unlocking reopens it', async () => {
    const pageId = uniqueId('page');
    const r = await reader(pageId);
    const author = signToken(site);
    const { body } = await postComment(node, site, pageId, author, 'before the lock');
    const told = nextEvent(r, 'page:locked');
    expect(await emitAck(mod, 'page:lock', { pageId, locked: true })).toEqual({ ok: true });
    expect(await told).toEqual({ pageId, locked: true });
    const locked = (res: request.Response) =>
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 423, code: 'locked' });
    locked(await postComment(node, site, pageId, author, 'after the lock'));
    locked(await api(author).edit(body.comment.id, 'edit after the lock'));
    locked(await api(signToken(site)).like(body.comment.id));
    expect(((await emitAck(r, 'comment:post', { pageId, body: 'x' })) as Fail).error.code).toBe('invalid_token');
    const writer = await readerSocket(node, { siteId: site.siteId, token: author });
    expect(((await emitAck(writer, 'comment:post', { pageId, body: 'over the socket' })) as Fail).error.code).toBe('locked');
    expect(await emitAck(r, 'page:join', { pageId })).toMatchObject({ ok: true, locked: true });

    const reopened = nextEvent(r, 'page:locked');
    expect(await emitAck(mod, 'page:lock', { pageId, locked: false })).toEqual({ ok: true });
    expect(await reopened).toEqual({ pageId, locked: false });
    expect((await postComment(node, site, pageId, author, 'after the unlock')).status).toBe(201);
  });

  test('when readers flag comments, then moderators get mod:flag and queue:list flagged pages through them with counts and reasons', async () => {
    const pageId = uniqueId('page');
    const posted: string[] = [];
    for (let i = 0; i < 3; i++)
      posted.push((await postComment(node, site, pageId, signToken(site), `flag target ${i}`)).body.comment.id);
    const flagged = nextEvent(mod, 'mod:flag', (e) => e.flag.commentId === posted[0]);
    expect((await api(signToken(site, { sub: 'f1' })).flag(posted[0]!, 'spam')).status).toBe(202);
    expect(await flagged).toMatchObject({
      flag: { commentId: posted[0], pageId, reason: 'spam', userId: 'f1', flagCount: 1 },
      comment: { id: posted[0] },
    });
    expect((await api(signToken(site, { sub: 'f2' })).flag(posted[0]!, 'abuse')).status).toBe(202);
    expect((await api(signToken(site, { sub: 'f2' })).flag(posted[0]!, 'again')).status).toBe(409);
    for (const id of posted.slice(1)) await api(signToken(site, { sub: 'f3' })).flag(id, 'meh');

    const page1 = await emitAck(mod, 'queue:list', {
      status: 'flagged',
      limit: 2,
    });
    const page2 = await emitAck(mod, 'queue:list', {
      status: 'flagged',
      limit: 2,
      cursor: page1.nextCursor,
    });
    const all = [...page1.comments, ...page2.comments];
    expect(page1.nextCursor).toEqual(expect.any(String));
    expect(page2.nextCursor).toBeNull();
    expect(all.map((c) => c.id)).toEqual([...posted].reverse());
    expect(all.find((c) => c.id === posted[0])!.moderation).toMatchObject({
      flagCount: 2,
      flagReasons: expect.arrayContaining(['spam', 'abuse']),
    });

    // Approving a flagged comment dismisses its flags.
    await emitAck(mod, 'comment:approve', { commentId: posted[0]! });
    const after = await emitAck(mod, 'queue:list', { status: 'flagged' });
    expect(after.comments.map((c) => c.id)).toEqual([posted[2], posted[1]]);
  });

  test('when held comments pile up, then queue:list pending pages through them newest first with a cursor', async () => {
    const pre = await createSite(node, { moderation: 'pre', limits: LIMITS });
    const preMod = await moderatorSocket(node, pre);
    const held: string[] = [];
    for (let i = 0; i < 5; i++) held.push((await postComment(node, pre, 'queue', signToken(pre), `held ${i}`)).body.comment.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { comments: Comment[]; nextCursor: string | null } = await emitAck(preMod, 'queue:list', {
        status: 'pending',
        limit: 2,
        cursor,
      });
      seen.push(...res.comments.map((c) => c.id));
      cursor = res.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...held].reverse());
    preMod.close();
  });

  test.each([
    ['comment:delete', [{}, { commentId: 'nope' }, { commentId: 42 }, 'x', null]],
    ['comment:approve', [{}, { commentId: 'nope' }, null]],
    ['comment:reject', [{}, { commentId: '0'.repeat(23) }, { commentId: '0'.repeat(24), reason: 5 }]],
    ['user:ban', [{}, { userId: '' }, { userId: 'x'.repeat(129) }, { userId: 'u', until: 'tomorrow' }]],
    ['user:unban', [{}, { userId: 7 }]],
    ['page:lock', [{}, { pageId: 'p' }, { pageId: 'p', locked: 'yes' }, { pageId: 'has space', locked: true }]],
    [
      'queue:list',
      [
        {},
        { status: 'all' },
        { status: 'pending', limit: 0 },
        { status: 'pending', limit: 101 },
        { status: 'pending', cursor: 'zz' },
      ],
    ],
  ])('when %s gets an invalid payload, then the ack is bad_request', async (event, payloads) => {
    for (const payload of [undefined, ...payloads]) {
      const s = mod.timeout(3000) as unknown as { emitWithAck: (e: string, ...a: unknown[]) => Promise<Fail> };
      const ack = payload === undefined ? await s.emitWithAck(event) : await s.emitWithAck(event, payload);
      expect({ payload, code: ack.error?.code }).toEqual({ payload, code: 'bad_request' });
    }
    expect(mod.connected).toBe(true);
  });

  test('when a moderator acts on a comment id that does not exist, then the ack is not_found', async () => {
    const ack = (await emitAck(mod, 'comment:approve', { commentId: 'f'.repeat(24) })) as Fail;
    expect(ack.error.code).toBe('not_found');
  });
});
