import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore } from '../../server/src/infra/embedded-store';
import { REPO_ROOT } from '../../server/src/paths';
import { redisAnswers, startPrivateRedis } from './redis-server';

declare global {
  var __PARLEY_TEARDOWN__: (() => Promise<void>) | undefined;
}

/**
 * Starts what the integration tests share: the embedded store (FerretDB on its
 * embedded PostgreSQL) on a fresh temporary directory (unless TEST_MONGODB_URI points at a real MongoDB) and
 * Redis (the local one, or a private redis-server when none answers).
 */
export default async function globalSetup(): Promise<void> {
  const stops: (() => Promise<void>)[] = [];
  if (!process.env.TEST_MONGODB_URI) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-store-'));
    const store = await startEmbeddedStore({
      dataDir,
      progress: (line) => process.stdout.write(`${line}\n`),
      // The store's own log, for a failure that closes connections (artifacts/ is git-ignored).
      logFile: path.join(REPO_ROOT, 'artifacts', `store-${process.pid}-${path.basename(dataDir)}.log`),
    });
    process.env.TEST_MONGODB_URI = store.uri;
    process.env.TEST_STORE_POSTGRES_URL = store.postgres.url;
    stops.push(async () => {
      await store.stop({ immediate: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
  }
  if (!process.env.TEST_REDIS_URL) {
    const local = 'redis://127.0.0.1:6379';
    if (await redisAnswers(local)) process.env.TEST_REDIS_URL = local;
    else {
      const redis = await startPrivateRedis();
      process.env.TEST_REDIS_URL = redis.url;
      stops.push(() => redis.stop());
    }
  }
  globalThis.__PARLEY_TEARDOWN__ = async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
