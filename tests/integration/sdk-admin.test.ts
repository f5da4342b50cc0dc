import { BannedError, ForbiddenError, LockedError, type ParleyAdminClient, type ParleyClient } from '@parley/sdk';
import { createSite, modToken, signToken, startNode, uniqueId, until, type TestNode, type TestSite } from '../helpers/harness';
import { closeClients, GENEROUS_LIMITS, nextReader, nextSdk, recordSdk, sdkAdmin, sdkClient } from './sdk-helpers';

describe('SDK admin client against a real node', () => {
  let node: TestNode;
  let site: TestSite;
  let mod: ParleyAdminClient;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node, { limits: GENEROUS_LIMITS });
  });
  beforeEach(async () => {
    mod = await sdkAdmin(node, site, modToken(site));
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await node.close();
  });

  const page = () => `/sdk-admin/${uniqueId('p')}`;
  const readerOf = (s: TestSite, sub = uniqueId('u')) => sdkClient(node, s, signToken(s, { sub, name: `Reader ${sub}` }));

  async function watcherOf(s: TestSite, pageId: string): Promise<ParleyClient> {
    const client = sdkClient(node, s);
    await client.join(pageId);
    return client;
  }

  test('when a reader token connects to /admin, then connect rejects with ForbiddenError', async () => {
    const err = await sdkAdmin(node, site, signToken(site)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
  });

  test('when a reader posts, then the moderator gets mod:comment', async () => {
    const P = page();
    const modComment = nextSdk(mod, 'mod:comment', (e) => e.comment.pageId === P);
    const { comment } = await readerOf(site).post(P, { body: 'for the mods' });
    expect((await modComment).comment.id).toBe(comment.id);
  });

  test('when a moderator approves and rejects held comments, then readers see the approved one arrive and the queue empties', async () => {
    const pre = await createSite(node, { limits: GENEROUS_LIMITS, moderation: 'pre' });
    const preMod = await sdkAdmin(node, pre, modToken(pre));
    const P = page();
    const watcher = await watcherOf(pre, P);
    const created = recordSdk(watcher, 'comment:created');
    const author = readerOf(pre);
    const held = await author.post(P, { body: 'please approve' });
    expect(held.status).toBe('pending');
    const other = await author.post(P, { body: 'please reject' });
    const queue = await preMod.queue({ status: 'pending', limit: 10 });
    expect(queue.comments.map((c) => c.id).sort()).toEqual([held.comment.id, other.comment.id].sort());
    const arrives = nextReader(watcher, 'comment:created', (e) => e.comment.id === held.comment.id);
    expect((await preMod.approve(held.comment.id)).status).toBe('visible');
    await arrives;
    expect((await preMod.reject(other.comment.id, 'off topic')).status).toBe('rejected');
    expect((await preMod.queue({ status: 'pending' })).comments).toEqual([]);
    expect(created.map((e) => e.comment.id)).toEqual([held.comment.id]);
  });

  test('when a moderator deletes a comment, then readers get comment:deleted', async () => {
    const P = page();
    const watcher = await watcherOf(site, P);
    const { comment } = await readerOf(site).post(P, { body: 'to be removed' });
    const deleted = nextReader(watcher, 'comment:deleted', (e) => e.id === comment.id);
    const modDeleted = nextSdk(mod, 'comment:deleted', (e) => e.id === comment.id);
    expect((await mod.deleteComment(comment.id, 'rule 3')).status).toBe('deleted');
    await Promise.all([deleted, modDeleted]);
  });

  test('when a moderator bans and unbans a user, then their posts get BannedError and then succeed', async () => {
    const P = page();
    const sub = uniqueId('u');
    const author = readerOf(site, sub);
    await mod.ban(sub, { reason: 'spam' });
    await expect(author.post(P, { body: 'while banned' })).rejects.toBeInstanceOf(BannedError);
    await mod.unban(sub);
    await expect(author.post(P, { body: 'after the ban' })).resolves.toMatchObject({ status: 'visible' });
  });

  test('when a moderator locks a page, then readers and moderators get page:locked and posts get LockedError', async () => {
    const P = page();
    const watcher = await watcherOf(site, P);
    const locked = nextReader(watcher, 'page:locked', (e) => e.pageId === P);
    const modLocked = nextSdk(mod, 'page:locked', (e) => e.pageId === P);
    await mod.lockPage(P, true);
    expect(await locked).toEqual({ pageId: P, locked: true });
    await modLocked;
    await expect(readerOf(site).post(P, { body: 'too late' })).rejects.toBeInstanceOf(LockedError);
    const unlocked = nextReader(watcher, 'page:locked', (e) => e.pageId === P && !e.locked);
    await mod.lockPage(P, false);
    await unlocked;
  });

  test('when a reader flags a comment, then the moderator gets mod:flag and it is in the flagged queue', async () => {
    const P = page();
    const { comment } = await readerOf(site).post(P, { body: 'questionable' });
    const flagged = nextSdk(mod, 'mod:flag', (e) => e.comment.id === comment.id);
    await readerOf(site).flag(comment.id, 'rude');
    const event = await flagged;
    expect(event.flag).toMatchObject({ commentId: comment.id, reason: 'rude', flagCount: 1 });
    await until(
      async () => (await mod.queue({ status: 'flagged' })).comments.some((c) => c.id === comment.id),
      5000,
      'flagged queue',
    );
  });
});
