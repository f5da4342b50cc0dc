import type { Comment } from '@parley/protocol';
import { closeSockets, connectSocket, emitAck, until, type ReaderClient } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { startBalancer, type Balancer } from './helpers/balancer';
import { createFaultSite, postAttempt, startLoad, tokenFor, verifyStored, type FaultSite, type Load } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';

const DB = 'parley_faults_nodes';
jest.setTimeout(120_000);

/** A reader behind the balancer that rejoins its page whenever it lands on a node without its session. */
interface Reader {
  socket: ReaderClient;
  connects: number;
  disconnects: string[];
  bodies: string[];
}

describe('fault: a node dies or is stopped while posts are in flight (three nodes behind a balancer)', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let redis: PrivateRedis;
  let nodes: NodeProcess[] = [];
  let lb: Balancer;
  let site: FaultSite;
  let load: Load | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    nodes = await Promise.all([0, 1, 2].map(() => spawnNode({ storeUri, dbName: DB, redisUrl: redis.url })));
    lb = await startBalancer(nodes.map((n) => n.port));
    site = await createFaultSite(nodes[0]!.url);
  });
  afterEach(() => {
    load?.abort();
    closeSockets();
  });
  afterAll(async () => {
    await load?.done;
    await lb?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
  });

  async function reader(pageId: string): Promise<Reader> {
    const socket = await connectSocket<ReaderClient>(
      lb.url,
      { siteId: site.siteId },
      { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 400 },
    );
    const r: Reader = { socket, connects: 1, disconnects: [], bodies: [] };
    socket.on('comment:created', ({ comment }: { comment: Comment }) => r.bodies.push(comment.body));
    // The harness closes a socket on its first connect_error (meant for the initial handshake);
    // a reader behind a balancer must keep retrying instead, as the SDK does.
    socket.off('connect_error');
    socket.on('disconnect', (reason) => r.disconnects.push(reason));
    socket.on('connect', () => {
      r.connects++;
      if (!socket.recovered) void emitAck(socket, 'page:join', { pageId }).catch(() => undefined);
    });
    expect((await emitAck(socket, 'page:join', { pageId })).ok).toBe(true);
    return r;
  }

  /** Every reader receives a fresh comment posted through the balancer, i.e. all are connected and joined again. */
  async function allReceive(readers: Reader[], pageId: string, body: string): Promise<void> {
    const res = await postAttempt(lb.url, site, pageId, tokenFor(site, 'checker'), body, `check-${body.replace(/\W/g, '-')}`);
    expect(res.status).toBe(201);
    await until(() => readers.every((r) => r.bodies.includes(body)), 10_000, `every reader receiving "${body}"`).catch(
      (err: Error) => {
        const state = readers.map((r) => ({
          connected: r.socket.connected,
          recovered: r.socket.recovered,
          connects: r.connects,
          disconnects: r.disconnects,
          got: r.bodies.length,
        }));
        throw new Error(`${err.message}: ${JSON.stringify(state)}`);
      },
    );
  }

  function expectCleanAnswers(l: Load): void {
    // 0 = a connection cut by the dying node (the client retries with its nonce); never a 5xx.
    for (const a of l.attempts) expect([0, 200, 201]).toContain(a.status);
  }

  test('when a node is SIGKILLed mid-burst, then no acknowledged comment is lost or doubled and its readers reconnect to the others', async () => {
    const [victim, ...rest] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const readers = await Promise.all([0, 1, 2, 3, 4, 5].map(() => reader('kill')));
    const current = startLoad({ urls: () => [lb.url], site, pageId: 'kill', users: 6, total: 150, concurrency: 6, gapMs: 10 });
    load = current;
    await until(() => current.acked.size >= 40, 30_000, 'part of the burst');
    victim.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    await current.done;
    expect(current.acked.size).toBe(150);
    expectCleanAnswers(current);
    expect(await verifyStored(storeUri, DB, site.siteId, current.acked)).toEqual([]);
    // Two of the six readers were on the killed node: they were cut off and came back elsewhere.
    expect(readers.filter((r) => r.disconnects.length > 0).length).toBeGreaterThanOrEqual(2);
    await allReceive(readers, 'kill', 'after the kill');
    for (const n of rest) {
      expect(n.alive()).toBe(true);
      expect(n.crashSigns()).toEqual([]);
    }
  });

  test('when a node gets SIGTERM under load, then it drains and exits 0 within 10 s, no acknowledged comment is lost, and its readers move to the others', async () => {
    const [victim, survivor] = nodes.filter((n) => n.alive()) as [NodeProcess, NodeProcess];
    const readers = await Promise.all([0, 1, 2, 3].map(() => reader('term')));
    const current = startLoad({ urls: () => [lb.url], site, pageId: 'term', users: 6, total: 150, concurrency: 6, gapMs: 10 });
    load = current;
    await until(() => current.acked.size >= 40, 30_000, 'part of the burst');
    const signalledAt = Date.now();
    victim.kill('SIGTERM');
    const exit = await victim.exited;
    const took = Date.now() - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(10_000);

    await current.done;
    expect(current.acked.size).toBe(150);
    expectCleanAnswers(current);
    expect(await verifyStored(storeUri, DB, site.siteId, current.acked)).toEqual([]);
    expect(readers.filter((r) => r.disconnects.length > 0).length).toBeGreaterThanOrEqual(1);
    await allReceive(readers, 'term', 'after the drain');
    // Writes the draining node finished were still published: readers on the surviving node got every
    // acknowledged comment, and nobody got one twice.
    const ackedBodies = [...current.bodies.values()];
    for (const r of readers) expect(new Set(r.bodies).size).toBe(r.bodies.length);
    for (const r of readers.filter((x) => x.disconnects.length === 0))
      expect(ackedBodies.filter((b) => !r.bodies.includes(b))).toEqual([]);
    expect(victim.crashSigns()).toEqual([]);
    expect(survivor.alive()).toBe(true);
    expect(survivor.crashSigns()).toEqual([]);
  });
});
