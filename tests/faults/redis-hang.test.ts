import { closeSockets, connectSocket, emitAck, nextEvent, until, type ReaderClient } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { startBalancer, type Balancer } from './helpers/balancer';
import { createFaultSite, postAttempt, startLoad, tokenFor, untilReadiness, verifyStored, type FaultSite } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';
import { probeRound, type Probe } from './helpers/probes';
import { startSocketLoad } from './helpers/socket-load';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy';

const DB = 'parley_faults_redis_hang';
/** The bound for every answer while Redis hangs. */
const BOUND_MS = 2000;
jest.setTimeout(120_000);

describe('fault: Redis is there but stops answering (frozen, partitioned) while posts are in flight on two nodes', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let redis: PrivateRedis;
  let proxy: TcpProxy;
  let a: NodeProcess;
  let b: NodeProcess;
  let lb: Balancer;
  let site: FaultSite;
  const thaw = () => {
    const pid = redis?.pid();
    if (pid) process.kill(pid, 'SIGCONT');
  };
  beforeAll(async () => {
    redis = await startPrivateRedis();
    proxy = await startTcpProxy(redis.port);
    const redisUrl = `redis://127.0.0.1:${proxy.port}`;
    [a, b] = await Promise.all([spawnNode({ storeUri, dbName: DB, redisUrl }), spawnNode({ storeUri, dbName: DB, redisUrl })]);
    lb = await startBalancer([a.port, b.port]);
    site = await createFaultSite(a.url);
  });
  afterEach(() => {
    thaw();
    proxy?.heal();
    closeSockets();
  });
  afterAll(async () => {
    await lb?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.close();
    await redis?.stop();
  });

  async function reader(url: string, pageId: string): Promise<ReaderClient> {
    const socket = await connectSocket<ReaderClient>(url, { siteId: site.siteId });
    expect((await emitAck(socket, 'page:join', { pageId })).ok).toBe(true);
    return socket;
  }

  const created = (socket: ReaderClient, body: string) =>
    nextEvent(socket, 'comment:created', (p) => p.comment.body === body, 10_000);

  async function crossNode(pageId: string, body: string): Promise<void> {
    const [onA, onB] = await Promise.all([reader(a.url, pageId), reader(b.url, pageId)]);
    const seen = Promise.allSettled([created(onA, body), created(onB, body)]);
    const res = await postAttempt(
      a.url,
      site,
      pageId,
      tokenFor(site, 'checker'),
      body,
      `x-${pageId}-${body.length}-${Date.now()}`,
    );
    expect(res.status).toBe(201);
    const missed = (await seen).flatMap((r, i) =>
      r.status === 'rejected' ? [`the reader on node ${'AB'[i]} missed "${body}"`] : [],
    );
    expect(missed).toEqual([]);
    onA.close();
    onB.close();
  }

  /** Runs traffic on both nodes, holds the outage for `holdMs`, ends it, and checks every bound. */
  async function outage(label: string, begin: () => void, end: () => void, holdMs: number): Promise<void> {
    const pageId = `hang-${label}`;
    await crossNode(pageId, `before the ${label}`);
    const rest = startLoad({ urls: () => [lb.url], site, pageId, users: 4, total: 50, concurrency: 3, gapMs: 120 });
    const sockets = await Promise.all([
      startSocketLoad({ url: a.url, site, pageId, total: 15, gapMs: 250, label: `${label}-a` }),
      startSocketLoad({ url: b.url, site, pageId, total: 15, gapMs: 250, label: `${label}-b` }),
    ]);
    await until(() => rest.acked.size >= 5, 20_000, 'the first acknowledged posts');

    const startedAt = Date.now();
    begin();
    const probes: Probe[] = [];
    // Rounds through the whole outage: the first second (commands time out), the reconnect, and after.
    while (Date.now() - startedAt < holdMs) {
      probes.push(...(await probeRound(lb.url, site, pageId)));
      await new Promise((r) => setTimeout(r, 300));
    }
    const endedAt = Date.now();
    end();

    await Promise.all([rest.done, ...sockets.map((s) => s.done)]);
    await Promise.all([untilReadiness(a.url, 200, 20_000), untilReadiness(b.url, 200, 20_000)]);

    const during = rest.attempts.filter((x) => x.at >= startedAt && x.at < endedAt);
    expect(during.length).toBeGreaterThan(5);
    const slowOrFailed = [
      ...rest.attempts.filter((x) => ![200, 201].includes(x.status) || x.ms >= BOUND_MS).map((x) => ({ rest: x })),
      ...sockets.flatMap((s) => s.attempts.filter((x) => !x.ok || x.ms >= BOUND_MS).map((x) => ({ socket: x }))),
      ...probes.filter((p) => p.status !== 200 || p.ms >= BOUND_MS).map((p) => ({ probe: p })),
    ];
    expect(slowOrFailed).toEqual([]);
    expect(rest.acked.size).toBe(50);
    for (const s of sockets) expect(s.acked.size).toBe(15);
    const acked = new Map([...rest.acked, ...sockets.flatMap((s) => [...s.acked])]);
    expect(await verifyStored(storeUri, DB, site.siteId, acked)).toEqual([]);
    // Everything resumes by itself: cross-node live events flow again.
    await crossNode(pageId, `after the ${label}`);
    expect(a.alive() && b.alive()).toBe(true);
    expect([...a.crashSigns(), ...b.crashSigns()]).toEqual([]);
  }

  test('when Redis is frozen with SIGSTOP, then every post, listing, join and admin action answers within 2 s, and after SIGCONT nothing acknowledged is lost or doubled', async () => {
    const pid = redis.pid()!;
    await outage(
      'freeze',
      () => process.kill(pid, 'SIGSTOP'),
      () => process.kill(pid, 'SIGCONT'),
      5000,
    );
  });

  test('when the network to Redis silently stops forwarding, then the same bounds hold, and after it heals everything resumes', async () => {
    await outage(
      'partition',
      () => proxy.partition(),
      () => proxy.heal(),
      5000,
    );
  });
});
