import { Types } from 'mongoose';
import request from 'supertest';
import type { Comment } from '@parley/protocol';
import {
  createSite,
  emitAck,
  listComments,
  modToken,
  nextEvent,
  postComment,
  readerSocket,
  signToken,
  startNode,
  stopNode,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const ERROR = (code: string) => ({ error: { code, message: expect.any(String) } });
const MANY = { limits: { postsPerMinutePerUser: 10000, postsPerMinutePerIp: 10000 } };

describe('comments: edit and delete over REST', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  const edit = (id: string, token: string | null, body: unknown) => {
    const req = request(node.url).patch(`/api/v1/comments/${id}`);
    return (token ? req.set('Authorization', `Bearer ${token}`) : req).send(body as object);
  };
  const remove = (id: string, token: string) =>
    request(node.url).delete(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${token}`);
  const counts = async (site: TestSite, page: string) =>
    (await request(node.url).get(`/api/v1/sites/${site.siteId}/counts`).query({ page })).body.counts[page] as number;

  test('when the author edits inside the window, then 200 returns the new body and html with editedAt set, and readers get comment:updated', async () => {
    const site = await createSite(node);
    const token = signToken(site, { sub: 'a' });
    const c = (await postComment(node, site, 'p', token, 'first draft')).body.comment as Comment;
    const socket = await readerSocket(node, { siteId: site.siteId });
    await emitAck(socket, 'page:join', { pageId: 'p' });
    const updated = nextEvent(socket, 'comment:updated');
    const res = await edit(c.id, token, { body: 'final **text**', status: 'visible', authorId: 'someone' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      comment: {
        ...c,
        body: 'final **text**',
        html: '<p>final <strong>text</strong></p>',
        editedAt: expect.stringMatching(/Z$/),
      },
    });
    expect(Date.parse(res.body.comment.editedAt)).toBeGreaterThanOrEqual(Date.parse(c.createdAt));
    expect((await updated).comment).toMatchObject({ id: c.id, body: 'final **text**' });
  });

  test('when someone else, an anonymous caller or a late author edits, then 403, 401 and 403; unknown ids are 404', async () => {
    const site = await createSite(node, { editWindowSec: 60 });
    const token = signToken(site, { sub: 'a' });
    const c = (await postComment(node, site, 'p', token, 'mine')).body.comment as Comment;
    expect([
      (await edit(c.id, signToken(site), { body: 'x' })).status,
      (await edit(c.id, signToken(site), { body: 'x' })).body,
    ]).toEqual([403, ERROR('forbidden')]);
    expect((await edit(c.id, null, { body: 'x' })).body).toEqual(ERROR('invalid_token'));
    expect((await edit('0123456789abcdef01234567', token, { body: 'x' })).body).toEqual(ERROR('not_found'));
    expect((await edit(c.id, token, { body: 7 })).body).toEqual({
      error: expect.objectContaining({ code: 'bad_request', message: expect.stringContaining('body') }),
    });
    // The window is a time rule: the test ages its own comment rather than waiting.
    await node.mongo
      .collection('comments')
      .updateOne({ _id: new Types.ObjectId(c.id) }, { $set: { createdAt: new Date(Date.now() - 61_000) } });
    const late = await edit(c.id, token, { body: 'too late' });
    expect([late.status, late.body]).toEqual([403, ERROR('forbidden')]);
  });

  test('when a comment without replies is deleted, then 200 returns the tombstone, it leaves listings and the counts drop', async () => {
    const site = await createSite(node, MANY);
    const token = signToken(site, { sub: 'a' });
    const top = (await postComment(node, site, 'p', token, 'top')).body.comment as Comment;
    const reply = (await postComment(node, site, 'p', token, { body: 'reply', parentId: top.id })).body.comment as Comment;
    expect(await counts(site, 'p')).toBe(2);
    const socket = await readerSocket(node, { siteId: site.siteId });
    await emitAck(socket, 'page:join', { pageId: 'p' });
    const deleted = nextEvent(socket, 'comment:deleted');
    const res = await remove(reply.id, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      comment: { ...reply, status: 'deleted', body: '', html: '', author: { id: null, name: null, avatar: null, guest: false } },
    });
    expect(await deleted).toEqual({ id: reply.id, pageId: 'p' });
    expect((await listComments(node, site, 'p', { parentId: top.id })).body).toEqual({
      comments: [],
      nextCursor: null,
      total: 0,
    });
    expect((await listComments(node, site, 'p')).body.comments).toEqual([expect.objectContaining({ id: top.id, replyCount: 0 })]);
    expect(await counts(site, 'p')).toBe(1);
    const again = await remove(reply.id, token);
    expect([again.status, again.body.comment.status]).toEqual([200, 'deleted']);
    expect(await counts(site, 'p')).toBe(1);
  });

  test('when a comment with replies is deleted, then it stays as a tombstone holding its replies, and counts stay right', async () => {
    const site = await createSite(node, MANY);
    const token = signToken(site, { sub: 'a' });
    const top = (await postComment(node, site, 'p', token, 'top')).body.comment as Comment;
    const reply = (await postComment(node, site, 'p', token, { body: 'reply', parentId: top.id })).body.comment as Comment;
    expect((await remove(top.id, modToken(site))).status).toBe(200);
    const list = await listComments(node, site, 'p');
    expect(list.body).toEqual({
      comments: [
        {
          ...top,
          status: 'deleted',
          body: '',
          html: '',
          author: { id: null, name: null, avatar: null, guest: false },
          replyCount: 1,
        },
      ],
      nextCursor: null,
      total: 1,
    });
    expect((await listComments(node, site, 'p', { parentId: top.id })).body.comments).toEqual([
      expect.objectContaining({ id: reply.id, status: 'visible' }),
    ]);
    expect(await counts(site, 'p')).toBe(1);
    // Once its last reply is gone the tombstone has nothing to hold up and leaves the listing.
    expect((await remove(reply.id, token)).status).toBe(200);
    expect((await listComments(node, site, 'p')).body).toEqual({ comments: [], nextCursor: null, total: 0 });
  });

  test('when another reader deletes, then 403; anonymous or a moderator of another site is 401; unknown ids are 404', async () => {
    const site = await createSite(node);
    const c = (await postComment(node, site, 'p', signToken(site), 'x')).body.comment as Comment;
    expect((await remove(c.id, signToken(site))).body).toEqual(ERROR('forbidden'));
    expect((await request(node.url).delete(`/api/v1/comments/${c.id}`)).body).toEqual(ERROR('invalid_token'));
    expect((await remove('0123456789abcdef01234567', modToken(site))).status).toBe(404);
    // A moderator token minted for another site does not carry over.
    expect((await remove(c.id, modToken({ ...site, siteId: 'other-site' }))).body).toEqual(ERROR('invalid_token'));
  });
});
