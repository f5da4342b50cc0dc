import fs from 'node:fs';
import type { Comment } from '@parley/protocol';
import { closeSockets, connectSocket, emitAck, until, type ReaderClient } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { createFaultSite, startLoad, type FaultSite } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy';
import { createClient, type ParleyClient } from '@parley/sdk/client';

const DB = 'parley_faults_slow_reader';
const MAX_BYTES = 64 * 1024;
jest.setTimeout(120_000);

function rssMiB(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** The TCP socket under a socket.io-client websocket, to stop reading from it. */
function tcpOf(socket: ReaderClient): { pause(): void; resume(): void } {
  const transport = socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } };
  return transport.ws._socket;
}

describe('slow readers: a reader that stops reading while a page is busy', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let redis: PrivateRedis;
  let node: NodeProcess;
  let site: FaultSite;
  let proxy: TcpProxy;
  let sdk: ParleyClient | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    node = await spawnNode({
      storeUri,
      dbName: DB,
      redisUrl: redis.url,
      env: { READER_BACKLOG_MAX_BYTES: String(MAX_BYTES), READER_BACKLOG_MAX_FRAMES: '200' },
    });
    site = await createFaultSite(node.url);
    proxy = await startTcpProxy(node.port);
  });
  afterAll(async () => {
    sdk?.disconnect();
    closeSockets();
    await proxy?.close();
    await node?.stop();
    await redis?.stop();
  });

  test('when one reader stops draining, then it is cut off at its bound and reconnects without a recoverable session (an SDK reader refills the page through REST), the node stays small, and every other reader gets every comment on time', async () => {
    const pageId = 'busy';
    const join = async (opts: Record<string, unknown> = {}) => {
      const socket = await connectSocket<ReaderClient>(node.url, { siteId: site.siteId }, opts);
      expect((await emitAck(socket, 'page:join', { pageId })).ok).toBe(true);
      const got = new Map<string, number>();
      socket.on('comment:created', ({ comment }: { comment: Comment }) => got.set(comment.id, Date.now()));
      return { socket, got };
    };
    const good = await Promise.all([0, 1, 2, 3].map(() => join()));
    const slow = await join({ reconnection: true, reconnectionDelay: 100 });
    slow.socket.off('connect_error');
    const reconnects: boolean[] = [];
    slow.socket.on('connect', () => reconnects.push(slow.socket.recovered));
    // An SDK reader behind a proxy that will stop reading from the node: the same stall, seen by the SDK.
    sdk = createClient({ url: `http://127.0.0.1:${proxy.port}`, siteId: site.siteId });
    await sdk.join(pageId);
    const sdkGot: string[] = [];
    const sdkStates: { state: string; recovered: boolean }[] = [];
    sdk.on('comment:created', ({ comment }) => sdkGot.push(comment.id));
    sdk.on('connection', (c) => sdkStates.push(c));
    const rssBefore = rssMiB(node.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(node.pid))), 100);

    tcpOf(slow.socket).pause();
    proxy.stall();
    // Big comments (~10 KB per event) fill the kernel's buffers first, then the node's own backlog.
    const big = 'x'.repeat(4500);
    const load = startLoad({
      urls: () => [node.url],
      site,
      pageId,
      users: 8,
      total: 700,
      concurrency: 8,
      body: (i) => `${i} ${big}`,
    });
    await load.done;
    const lastAckAt = Math.max(...load.attempts.map((a) => a.at + a.ms));
    try {
      await until(async () => (await metric(node.url, 'parley_slow_readers_cut_total')) >= 2, 10_000, 'the slow readers cut-off');
      const ids = [...load.acked.values()];
      await until(() => good.every((r) => ids.every((id) => r.got.has(id))), 10_000, 'every comment at every good reader');
      // On time: the last comment reached every good reader within 2 s of its acknowledgement.
      for (const r of good) expect(Math.max(...ids.map((id) => r.got.get(id)!)) - lastAckAt).toBeLessThan(2000);
    } finally {
      clearInterval(sampler);
    }
    expect(load.acked.size).toBe(700);
    expect(rssPeak - rssBefore).toBeLessThan(64);

    // The stalled reader reads again: it finds itself cut off and comes back with a fresh session
    // (not recovered), which is the SDK's cue to refill the page through REST.
    tcpOf(slow.socket).resume();
    await until(() => reconnects.length >= 1, 10_000, 'the slow reader to reconnect');
    expect(reconnects[0]).toBe(false);
    expect(slow.got.size).toBeLessThan(700);

    // The SDK reader: cut off too, it reconnects unrecovered and refills the page through REST,
    // ending with the newest comment and never a comment twice.
    proxy.unstall();
    const newest = [...load.acked.values()].sort().at(-1)!;
    await until(() => sdkGot.includes(newest), 20_000, 'the SDK to refill up to the newest comment');
    expect(sdkStates.some((c) => c.state === 'connected' && !c.recovered)).toBe(true);
    expect(new Set(sdkGot).size).toBe(sdkGot.length);
    expect(node.alive()).toBe(true);
  });
});
