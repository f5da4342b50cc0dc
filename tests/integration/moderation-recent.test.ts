import type { Comment } from '@parley/protocol';
import { CommentsRepository } from '../../server/src/modules/comments/comments.repository';
import { dayOf } from '../../server/src/modules/comments/queue-days';
import { closeClients, sdkAdmin } from './sdk-helpers';
import {
  closeSockets,
  createSite,
  emitAck,
  moderatorSocket,
  modToken,
  postComment,
  signToken,
  startNode,
  uniqueId,
  type TestNode,
  type TestSite,
} from '../helpers/harness';
import { storedComment } from '../helpers/stored-comment';

const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };

describe('moderation: recent comments and search', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    closeSockets();
    closeClients();
    await node.close();
  });

  async function moderator(site: TestSite) {
    return moderatorSocket(node, site);
  }

  test('when a moderator opens Recent, then the site’s comments of every status arrive newest first, paged by cursor', async () => {
    const site = await createSite(node, { limits: LIMITS, blockedWords: ['heldword'] });
    const token = signToken(site, { sub: 'u-ana', name: 'Ana' });
    const visible = (await postComment(node, site, 'p1', token, 'a visible one')).body.comment as Comment;
    const held = (await postComment(node, site, 'p2', token, 'this has heldword in it')).body.comment as Comment;
    const gone = (await postComment(node, site, 'p1', token, 'soon deleted')).body.comment as Comment;
    const mod = await moderator(site);
    expect((await emitAck(mod, 'comment:delete', { commentId: gone.id })).ok).toBe(true);

    const first = await emitAck(mod, 'comments:recent', { limit: 2 });
    expect(first.ok).toBe(true);
    expect(first.comments.map((c) => [c.id, c.status])).toEqual([
      [gone.id, 'deleted'],
      [held.id, 'pending'],
    ]);
    expect(first.nextCursor).toBe(held.id);
    const second = await emitAck(mod, 'comments:recent', { limit: 2, cursor: first.nextCursor });
    expect(second.comments.map((c) => c.id)).toEqual([visible.id]);
    expect(second.nextCursor).toBeNull();
    // Moderators see why a comment was held.
    expect(first.comments[1]!.moderation?.reason).toEqual(expect.any(String));
  });

  test('when a moderator searches by author id or text, then only that author’s or matching comments of the site come back', async () => {
    const site = await createSite(node, { limits: LIMITS });
    const other = await createSite(node, { limits: LIMITS });
    const ana = signToken(site, { sub: 'ana', name: 'Ana' });
    const bo = signToken(site, { sub: 'bo', name: 'Bo' });
    const a1 = (await postComment(node, site, uniqueId('p'), ana, 'The Bridge is closed')).body.comment as Comment;
    const b1 = (await postComment(node, site, uniqueId('p'), bo, 'bridge? which BRIDGE')).body.comment as Comment;
    await postComment(node, site, uniqueId('p'), bo, 'nothing to see a.b');
    await postComment(node, other, 'x', signToken(other, { sub: 'ana' }), 'bridge on the other site');
    const mod = await moderator(site);

    const byAuthor = await emitAck(mod, 'comments:recent', { authorId: 'ana' });
    expect(byAuthor.comments.map((c) => c.id)).toEqual([a1.id]);
    const byText = await emitAck(mod, 'comments:recent', { text: 'bridge' });
    expect(byText.comments.map((c) => c.id)).toEqual([b1.id, a1.id]);
    const both = await emitAck(mod, 'comments:recent', { text: 'BRIDGE', authorId: 'bo' });
    expect(both.comments.map((c) => c.id)).toEqual([b1.id]);
    // The text is literal, not a pattern: "a.b" must not match "axb", and ".*" matches nothing here.
    expect((await emitAck(mod, 'comments:recent', { text: 'e a.b' })).comments).toHaveLength(1);
    expect((await emitAck(mod, 'comments:recent', { text: '.*' })).comments).toHaveLength(0);
  });

  test('when the SDK admin client asks for recent comments, then it pages through them and searches', async () => {
    const site = await createSite(node, { limits: LIMITS });
    const token = signToken(site, { sub: 'sdk-author' });
    const ids: string[] = [];
    for (const body of ['one apple', 'two pears', 'three apples'])
      ids.push(((await postComment(node, site, 'p', token, body)).body.comment as Comment).id);
    const mod = await sdkAdmin(node, site, modToken(site));
    const first = await mod.recent({ limit: 2 });
    expect(first.comments.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const rest = await mod.recent({ limit: 2, cursor: first.nextCursor });
    expect({ ids: rest.comments.map((c) => c.id), next: rest.nextCursor }).toEqual({ ids: [ids[0]], next: null });
    expect((await mod.recent({ text: 'APPLE' })).comments.map((c) => c.id)).toEqual([ids[2], ids[0]]);
  });

  test('when a site’s comments span years, then Recent walks them newest first across the days it reads one by one and the older rest, without gaps', async () => {
    const site = await createSite(node, { limits: LIMITS });
    // Straight into the store, dated by their ids: within the walked days, at its edge, beyond it, and one of a
    // database from before comments carried their day (no `day`: the start-up backfill gives it one).
    const daysAgo = [0, 1, 9, 61, 62, 63, 200, 900];
    const docs = daysAgo.map((d) => {
      const doc = storedComment(site.siteId, d, { pageId: `/p${d % 3}`, offsetMs: 60_000 });
      return d === 9 ? doc : { ...doc, day: dayOf(doc._id) };
    });
    await node.mongo.db!.collection('comments').insertMany(docs);
    await node.mongo.db!.collection('parley_meta').deleteMany({});
    await new CommentsRepository(node.mongo).init('unique');

    const mod = await moderator(site);
    for (const limit of [1, 3, 100]) {
      const bodies: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const ack: { ok: boolean; comments: Comment[]; nextCursor: string | null } = await emitAck(mod, 'comments:recent', {
          limit,
          ...(cursor ? { cursor } : {}),
        });
        expect(ack.ok).toBe(true);
        bodies.push(...ack.comments.map((c) => c.body));
        cursor = ack.nextCursor;
        if (!cursor) break;
      }
      expect(bodies).toEqual(daysAgo.map((d) => `${d} days ago`));
    }
  });

  test('when the payload is malformed, then the ack is bad_request and nothing else happens', async () => {
    const site = await createSite(node);
    const mod = await moderator(site);
    for (const payload of [{ limit: 0 }, { limit: 'ten' }, { cursor: 'nope' }, { text: { $ne: 1 } }, { status: 'spam' }]) {
      const ack = await emitAck(mod, 'comments:recent', payload as never);
      expect({ payload, ok: ack.ok, code: ack.error?.code }).toEqual({ payload, ok: false, code: 'bad_request' });
    }
  });
});
