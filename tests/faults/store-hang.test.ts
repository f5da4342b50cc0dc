import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/src/infra/embedded-store';
import { closeSockets, until } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { startBalancer, type Balancer } from './helpers/balancer';
import { createFaultSite, postAttempt, startLoad, tokenFor, untilReadiness, verifyStored } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';
import { startSocketLoad } from './helpers/socket-load';

const DB = 'parley_faults_store_hang';
/** The bound for a `503 unavailable` while the store hangs. */
const BOUND_MS = 5000;
jest.setTimeout(120_000);

describe('fault: the store or its PostgreSQL is there but stops answering (SIGSTOP) while posts are in flight on two nodes', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  let redis: PrivateRedis;
  let nodes: NodeProcess[] = [];
  let lb: Balancer;
  /** The embedded PostgreSQL: its postmaster and every backend (one process per connection). */
  const postgresPids = (): number[] => {
    const pg = store.postgres.pid;
    if (!pg) throw new Error('the store runs no embedded PostgreSQL');
    const children = fs.readFileSync(`/proc/${pg}/task/${pg}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return [pg, ...children];
  };
  /** What a hang freezes: the whole store (FerretDB and its PostgreSQL), or only the PostgreSQL under a live FerretDB. */
  const targets = {
    store: () => [store.pid, ...postgresPids()],
    postgres: () => postgresPids(),
  };
  let frozen: number[] = [];
  const signalStore = (signal: NodeJS.Signals, pids: number[] = frozen) => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-fault-store-hang-'));
    [store, redis] = await Promise.all([startEmbeddedStore({ dataDir }), startPrivateRedis()]);
    nodes = await Promise.all([0, 1].map(() => spawnNode({ storeUri: store.uri, dbName: DB, redisUrl: redis.url })));
    lb = await startBalancer(nodes.map((n) => n.port));
  });
  afterAll(async () => {
    signalStore('SIGCONT');
    closeSockets();
    await lb?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await store?.stop({ immediate: true });
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test.each([
    ['the store (FerretDB and its PostgreSQL)', 'store'],
    ['the embedded PostgreSQL under a live FerretDB', 'postgres'],
  ] as const)(
    'when %s is frozen mid-stream, then REST and socket posts answer 503 unavailable within 5 s (never 500), and after SIGCONT every acknowledged comment is stored exactly once',
    async (_what, target) => {
      const site = await createFaultSite(lb.url);
      const pageId = `store-hang-${target}`;
      const rest = startLoad({
        urls: () => [lb.url],
        site,
        pageId,
        users: 4,
        total: 40,
        concurrency: 3,
        gapMs: 100,
        deadlineMs: 90_000,
      });
      const sockets = await Promise.all(
        nodes.map((n, i) => startSocketLoad({ url: n.url, site, pageId, total: 12, gapMs: 200, label: `node${i}` })),
      );
      await until(() => rest.acked.size >= 5, 20_000, 'the first acknowledged posts');

      const frozenAt = Date.now();
      frozen = targets[target]();
      signalStore('SIGSTOP');
      // A direct probe during the hang: a clean 503, inside the bound (retried with its nonce after the hang).
      const sendProbe = () =>
        postAttempt(lb.url, site, pageId, tokenFor(site, 'prober'), 'while the store hangs', `probe-hang-${target}`);
      const probe = await sendProbe();
      await until(() => Date.now() - frozenAt > 7000, 10_000, 'the hang to last 7 s');
      const thawedAt = Date.now();
      signalStore('SIGCONT');
      frozen = [];

      await Promise.all([rest.done, ...sockets.map((s) => s.done)]);
      await Promise.all(nodes.map((n) => untilReadiness(n.url, 200, 20_000)));

      expect(probe).toMatchObject({ status: 503, code: 'unavailable' });
      expect(probe.ms).toBeLessThan(BOUND_MS);
      const during = rest.attempts.filter((x) => x.at >= frozenAt && x.at < thawedAt);
      expect(during.some((x) => x.status === 503)).toBe(true);
      const bad = [
        ...rest.attempts
          .filter(
            (x) => ![200, 201, 503].includes(x.status) || (x.status === 503 && x.code !== 'unavailable') || x.ms >= BOUND_MS,
          )
          .map((x) => ({ rest: x })),
        ...sockets.flatMap((s) =>
          s.attempts.filter((x) => (!x.ok && x.code !== 'unavailable') || x.ms >= BOUND_MS).map((x) => ({ socket: x })),
        ),
      ];
      expect(bad).toEqual([]);
      expect(rest.acked.size).toBe(40);
      for (const s of sockets) expect(s.acked.size).toBe(12);
      const acked = new Map([...rest.acked, ...sockets.flatMap((s) => [...s.acked])]);
      expect(await verifyStored(store.uri, DB, site.siteId, acked)).toEqual([]);
      // The probe, retried with its nonce after the hang, is stored once too.
      const retried = await sendProbe();
      expect([200, 201]).toContain(retried.status);
      for (const n of nodes) {
        expect(n.alive()).toBe(true);
        expect(n.crashSigns()).toEqual([]);
      }
    },
  );
});
