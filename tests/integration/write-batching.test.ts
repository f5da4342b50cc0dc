import { Socket as NetSocket } from 'node:net';
import type { Socket as EngineSocket } from 'engine.io';
import { tcpSocketOf } from '../../server/src/realtime/write-batching';
import {
  closeSockets,
  createSite,
  emitAck,
  nextEvent,
  postComment,
  readerSocket,
  signToken,
  startNode,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

describe('per-connection write batching', () => {
  let node: TestNode;
  let site: TestSite;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node);
  });
  afterEach(() => closeSockets());
  afterAll(() => node.close());

  test('when a websocket reader is sent a frame, then its TCP socket is found and corked while the frame is flushed', async () => {
    const reader = await readerSocket(node, { siteId: site.siteId });
    expect((await emitAck(reader, 'page:join', { pageId: 'batched' })).ok).toBe(true);
    const engine = node.app.io.engine;
    // Listeners run in order: batching's (registered by createApp) has corked the socket before this one runs.
    const flushed: { tcp: NetSocket | null; corked: number }[] = [];
    const onFlush = (s: EngineSocket) => {
      const tcp = tcpSocketOf(s);
      flushed.push({ tcp, corked: tcp?.writableCorked ?? 0 });
    };
    engine.on('flush', onFlush);
    try {
      const live = nextEvent(reader, 'comment:created', (p) => p.comment.body === 'one writev');
      expect((await postComment(node, site, 'batched', signToken(site), 'one writev')).status).toBe(201);
      await live;
    } finally {
      engine.off('flush', onFlush);
    }
    expect(flushed.length).toBeGreaterThan(0);
    for (const f of flushed) {
      // Null here means ws no longer keeps its TCP socket where tcpSocketOf looks: batching stopped.
      expect(f.tcp).toBeInstanceOf(NetSocket);
      expect(f.corked).toBeGreaterThan(0);
    }
    const tcp = flushed[0]!.tcp!;
    // …and uncorked once the turn is over, so frames never wait longer.
    expect(tcp.writableCorked).toBe(0);
  });
});
