import {
  closeSockets,
  createSite,
  emitAck,
  metric,
  nextEvent,
  postComment,
  readerSocket,
  signToken,
  startNode,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const FAILURES = 'parley_domain_event_subscriber_failures_total{event="comment.created"}';

describe('domain event subscribers', () => {
  let node: TestNode;
  let site: TestSite;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node);
  });
  afterEach(() => closeSockets());
  afterAll(() => node.close());

  test('when a subscriber of comment.created throws, then the post still answers 201, is counted, and live readers still get it', async () => {
    const off = node.app.events.on('comment.created', () => {
      throw new Error('subscriber exploded');
    });
    try {
      const reader = await readerSocket(node, { siteId: site.siteId });
      expect((await emitAck(reader, 'page:join', { pageId: 'failing-subscriber' })).ok).toBe(true);
      const before = await metric(node, FAILURES);
      const live = nextEvent(reader, 'comment:created', (p) => p.comment.body === 'still stored');

      const res = await postComment(node, site, 'failing-subscriber', signToken(site), 'still stored');

      expect(res.status).toBe(201);
      expect((await live).comment.id).toBe(res.body.comment.id);
      expect(await metric(node, FAILURES)).toBe(before + 1);
    } finally {
      off();
    }
  });

  test('when a subscriber throws on a socket post, then the ack is still ok', async () => {
    const off = node.app.events.on('comment.created', () => {
      throw new Error('subscriber exploded');
    });
    try {
      const reader = await readerSocket(node, { siteId: site.siteId, token: signToken(site) });
      const ack = await emitAck(reader, 'comment:post', { pageId: 'failing-subscriber', body: 'over the socket' });
      expect(ack.ok).toBe(true);
      expect(ack.comment.body).toBe('over the socket');
    } finally {
      off();
    }
  });
});
