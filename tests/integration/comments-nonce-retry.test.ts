import {
  createSite,
  emitAck,
  moderatorSocket,
  postComment,
  signToken,
  startNode,
  stopNode,
  type TestNode,
} from '../helpers/harness';

describe('retrying a post with the same clientNonce', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when the page was locked after the first post, then the retry still gets the first comment (200), not 423', async () => {
    const site = await createSite(node);
    const token = signToken(site, { sub: 'retrying-reader' });
    const first = await postComment(node, site, 'p', token, { body: 'first try', clientNonce: 'nonce-locked-1' });
    expect(first.status).toBe(201);
    const mod = await moderatorSocket(node, site);
    expect(await emitAck(mod, 'page:lock', { pageId: 'p', locked: true })).toEqual({ ok: true });

    const retry = await postComment(node, site, 'p', token, { body: 'first try', clientNonce: 'nonce-locked-1' });
    expect(retry.status).toBe(200);
    expect(retry.body.comment.id).toBe(first.body.comment.id);

    const fresh = await postComment(node, site, 'p', token, { body: 'a new comment', clientNonce: 'nonce-locked-2' });
    expect(fresh.status).toBe(423);
    expect(fresh.body.error.code).toBe('locked');
  });

  test('when the author has spent their budget, then a retry of an acknowledged post gets the first comment, not 429', async () => {
    const site = await createSite(node, { limits: { postsPerMinutePerUser: 1 } });
    const token = signToken(site, { sub: 'budget-reader' });
    const first = await postComment(node, site, 'q', token, { body: 'only one allowed', clientNonce: 'nonce-budget-1' });
    expect(first.status).toBe(201);
    expect((await postComment(node, site, 'q', token, { body: 'second', clientNonce: 'nonce-budget-2' })).status).toBe(429);
    const retry = await postComment(node, site, 'q', token, { body: 'only one allowed', clientNonce: 'nonce-budget-1' });
    expect(retry.status).toBe(200);
    expect(retry.body.comment.id).toBe(first.body.comment.id);
  });
});
