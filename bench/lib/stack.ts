import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import jwt from 'jsonwebtoken';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../../server/src/infra/embedded-store';
import { redisAnswers, startPrivateRedis, type PrivateRedis } from '../../tests/setup/redis-server';
import { spawnNode, tempDir, type ServerProc } from './procs';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const SECRETS_KEY = randomBytes(32).toString('hex');
/** Every per-site limit raised so the bench measures speed, not policy. */
const RAISED_LIMITS = {
  postsPerMinutePerUser: 1_000_000,
  postsPerMinutePerIp: 1_000_000,
  guestTokensPerHourPerIp: 1_000_000,
  flagsPerHourPerUser: 1_000_000,
  connectionsPerMinutePerIp: 1_000_000,
};

/**
 * Where the store keeps its files: BENCH_STORE_DIR, else tmpfs (/dev/shm) when
 * there is one, so the figures measure Parley rather than the fsync latency
 * of a disk shared with whatever else runs on the machine.
 */
function storeBase(): string {
  if (process.env.BENCH_STORE_DIR) return process.env.BENCH_STORE_DIR;
  return fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

/** The shared pieces: a store on a temp dir and a Redis. */
export interface Infra {
  mongoUri: string;
  redisUrl: string;
  redisSource: string;
  storeDir: string;
  /** Process id of the store, so its CPU is reported next to the server's. */
  storePid: number;
  /** The PostgreSQL under the store (nodes get it as STORE_POSTGRESQL_URL, to add their indexes) and its server's pid. */
  postgresUrl: string;
  postgresPid: number | null;
  stop(): Promise<void>;
}

/**
 * Starts the embedded store on a fresh temp dir and a private redis-server
 * (so the bench neither disturbs nor is disturbed by anything else using the
 * local Redis); `BENCH_REDIS=local` uses 127.0.0.1:6379 instead.
 */
export async function startInfra(opts: { onDisk?: boolean } = {}): Promise<Infra> {
  const tmp = tempDir('parley-bench-store-', opts.onDisk ? (process.env.BENCH_STORE_DIR ?? os.tmpdir()) : storeBase());
  const store: EmbeddedStore = await startEmbeddedStore({ dataDir: tmp.dir, progress: (l) => process.stderr.write(`${l}\n`) });
  let redis: PrivateRedis | null = null;
  let redisUrl = 'redis://127.0.0.1:6379';
  let redisSource = 'local 127.0.0.1:6379';
  if (process.env.BENCH_REDIS !== 'local' || !(await redisAnswers(redisUrl))) {
    redis = await startPrivateRedis();
    redisUrl = redis.url;
    redisSource = 'private redis-server';
  }
  return {
    mongoUri: `${store.uri}parley_bench`,
    redisUrl,
    redisSource,
    storePid: store.pid,
    postgresUrl: store.postgres.url,
    postgresPid: store.postgres.pid,
    storeDir: tmp.dir,
    async stop() {
      await redis?.stop();
      await store.stop({ immediate: true });
      tmp.remove();
    },
  };
}

/** A Parley deployment of 1 or 2 nodes with a bench site. */
export interface ParleyStack {
  nodes: ServerProc[];
  siteId: string;
  /** The admin API key of the nodes. */
  adminKey: string;
  /** Signs a reader token with the site's secret. */
  token(sub: string, name?: string, roles?: string[]): string;
  stop(): Promise<void>;
}

/** Starts `count` Parley nodes (child processes of `server/src/main.ts`) sharing the store and Redis, and creates the bench site. */
export async function startParley(infra: Infra, count: number, opts: { nodeArgs?: string[] } = {}): Promise<ParleyStack> {
  const dataDir = tempDir('parley-bench-node-');
  const nodes: ServerProc[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      nodes.push(
        await spawnNode({
          name: `parley${count > 1 ? i + 1 : ''}`,
          script: 'server/src/main.ts',
          port,
          nodeArgs: opts.nodeArgs,
          readyPath: '/readyz',
          env: {
            NODE_ENV: 'production',
            PORT: String(port),
            HOST: '127.0.0.1',
            MONGODB_URI: infra.mongoUri,
            STORE_POSTGRESQL_URL: infra.postgresUrl,
            REDIS_URL: infra.redisUrl,
            NODE_ID: `bench-${i + 1}-${randomBytes(3).toString('hex')}`,
            ADMIN_API_KEY: ADMIN_KEY,
            SECRETS_KEY,
            LOG_LEVEL: 'warn',
            DATA_DIR: dataDir.dir,
          },
        }),
      );
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    dataDir.remove();
    throw err;
  }
  const siteId = `bench-${randomBytes(4).toString('hex')}`;
  const res = await fetch(`${nodes[0]!.url}/api/v1/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ siteId, name: 'Bench', origins: [], guests: false, moderation: 'post', limits: RAISED_LIMITS }),
  });
  if (res.status !== 201) throw new Error(`creating the bench site failed: ${res.status} ${await res.text()}`);
  const { secret } = (await res.json()) as { secret: string };
  return {
    nodes,
    siteId,
    adminKey: ADMIN_KEY,
    token: (sub, name = sub, roles) =>
      jwt.sign({ sub, name, site: siteId, ...(roles ? { roles } : {}), exp: Math.floor(Date.now() / 1000) + 3600 }, secret, {
        algorithm: 'HS256',
      }),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      dataDir.remove();
    },
  };
}

/** Starts `count` baseline relays; with `redisUrl` they share the Redis streams adapter (the 2-node baseline). */
export async function startBaseline(
  count: number,
  opts: { redisUrl?: string; readData?: string; nodeArgs?: string[] } = {},
): Promise<ServerProc[]> {
  const prefix = `bench-baseline-${randomBytes(3).toString('hex')}:`;
  const procs: ServerProc[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const env: Record<string, string> = { PORT: String(port), BASELINE_PREFIX: prefix };
    if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
    if (opts.readData) env.READ_DATA = opts.readData;
    procs.push(
      await spawnNode({
        name: `baseline${count > 1 ? i + 1 : ''}`,
        script: 'bench/baseline-server.ts',
        port,
        env,
        nodeArgs: opts.nodeArgs,
      }),
    );
  }
  return procs;
}

/** Stops server processes. */
export async function stopAll(procs: ServerProc[]): Promise<void> {
  await Promise.all(procs.map((p) => p.stop()));
}
