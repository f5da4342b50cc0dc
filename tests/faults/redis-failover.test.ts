import type { Comment } from '@parley/protocol';
import { closeSockets, connectSocket, emitAck, until, type ReaderClient } from '../helpers/harness';
import { startSentinelSet, type SentinelSet } from '../setup/redis-sentinel';
import { createFaultSite, postAttempt, startLoad, tokenFor, untilReadiness, verifyStored, type FaultSite } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';

const DB = 'parley_faults_failover';
jest.setTimeout(120_000);

describe('fault: the Redis master dies and Sentinel promotes the replica while posts are in flight on two nodes', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let set: SentinelSet;
  let a: NodeProcess;
  let b: NodeProcess;
  let site: FaultSite;
  beforeAll(async () => {
    set = await startSentinelSet();
    const env = {
      REDIS_SENTINELS: set.sentinels.map((s) => `${s.host}:${s.port}`).join(','),
      REDIS_SENTINEL_NAME: set.name,
    };
    // REDIS_URL only carries credentials when sentinels are set; this one names no host that matters.
    const spawn = () => spawnNode({ storeUri, dbName: DB, redisUrl: 'redis://127.0.0.1:1', env });
    [a, b] = await Promise.all([spawn(), spawn()]);
    site = await createFaultSite(a.url);
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all([a?.stop(), b?.stop()]);
    await set?.stop();
  });

  async function reader(url: string, pageId: string): Promise<string[]> {
    const socket = await connectSocket<ReaderClient>(url, { siteId: site.siteId });
    expect((await emitAck(socket, 'page:join', { pageId })).ok).toBe(true);
    const bodies: string[] = [];
    socket.on('comment:created', ({ comment }: { comment: Comment }) => bodies.push(comment.body));
    return bodies;
  }

  async function crossNode(pageId: string, body: string, timeoutMs: number): Promise<void> {
    const [onA, onB] = await Promise.all([reader(a.url, pageId), reader(b.url, pageId)]);
    const res = await postAttempt(a.url, site, pageId, tokenFor(site, 'checker'), body, `x-${body.replace(/\W/g, '-')}`);
    expect(res.status).toBe(201);
    await until(() => onA.includes(body) && onB.includes(body), timeoutMs, `"${body}" on both nodes`);
  }

  test('when the master is killed mid-traffic, then posts keep being acknowledged, live events resume across nodes on the new master, and nothing acknowledged is lost', async () => {
    await crossNode('failover', 'before the failover', 5000);
    const load = startLoad({
      urls: () => [a.url, b.url],
      site,
      pageId: 'failover-load',
      users: 4,
      total: 60,
      concurrency: 3,
      gapMs: 150,
    });
    await until(() => load.acked.size >= 10, 20_000, 'the first acknowledged posts');
    const killedAt = Date.now();
    await set.killMaster();
    await set.promoted();
    await load.done;

    // Acknowledged throughout: Redis being away is a fallback, never a refusal.
    const during = load.attempts.filter((x) => x.at >= killedAt);
    expect(during.length).toBeGreaterThan(5);
    expect(load.attempts.filter((x) => ![200, 201].includes(x.status))).toEqual([]);
    expect(load.acked.size).toBe(60);
    expect(await verifyStored(storeUri, DB, site.siteId, load.acked)).toEqual([]);

    // Both nodes follow the promoted replica without a restart: ready again, live events cross nodes.
    await Promise.all([untilReadiness(a.url, 200, 20_000), untilReadiness(b.url, 200, 20_000)]);
    await crossNode('failover', 'after the failover', 10_000);
    expect(a.alive() && b.alive()).toBe(true);
    expect([...a.crashSigns(), ...b.crashSigns()]).toEqual([]);
  });
});
