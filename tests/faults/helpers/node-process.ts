import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../../server/src/infra/embedded-store';
import { ADMIN_KEY, SECRETS_KEY } from '../../helpers/harness';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** A Parley node running as its own process (`node --import tsx server/src/main.ts`). */
export interface NodeProcess {
  url: string;
  port: number;
  pid: number;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process has exited (for "the server did not exit" assertions). */
  alive(): boolean;
  /** Everything the process wrote (JSON log lines and any stray output). */
  output(): string;
  /** Log lines that show a crash path: unhandled rejections, uncaught errors, fatal logs. */
  crashSigns(): string[];
  /** Sends a signal (SIGKILL, SIGTERM). */
  kill(signal: NodeJS.Signals): void;
  /** SIGKILLs the process if it still runs and waits for it. */
  stop(): Promise<void>;
}

/** Options of {@link spawnNode}. */
export interface SpawnOptions {
  /** A `mongodb://host:port/` URI; the database name is appended. */
  storeUri: string;
  dbName: string;
  redisUrl: string;
  env?: Record<string, string>;
}

async function waitReady(url: string, child: ChildProcess, out: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`node exited during start:\n${out()}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`node at ${url} not ready within ${timeoutMs} ms:\n${out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a Parley node process against a store and Redis and resolves once `/readyz` answers 200. */
export async function spawnNode(opts: SpawnOptions): Promise<NodeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: `${opts.storeUri}${opts.dbName}`,
      REDIS_URL: opts.redisUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      SECRETS_KEY,
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
  });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, () => out);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    port,
    pid: child.pid!,
    exited,
    alive,
    output: () => out,
    // JSON log lines of the crash paths, and any non-JSON line (what Node prints when it dies of an error).
    crashSigns: () =>
      out
        .split('\n')
        .filter((l) => l.trim() && (!l.startsWith('{') || /"msg":"(unhandled rejection|uncaught exception)"|"level":60/.test(l))),
    kill: (signal) => child.kill(signal),
    async stop() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}
