import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../server/src/infra/embedded-store';

/** A private redis-server a test started itself (so it may stop and restart it). */
export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The running redis-server's pid (null while stopped), for SIGSTOP/SIGCONT. */
  pid(): number | null;
}

async function waitReady(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      disconnectTimeout: 100,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Starts `redis-server` on a free port (Debian package `redis-server`); fails loudly if it is missing. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    child.on('error', (err) => {
      throw new Error(`cannot start redis-server (apt-get install -y redis-server): ${err.message}`);
    });
    await waitReady(url);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
    child = null;
  };
  await start();
  return { url, port, start, stop, pid: () => (child as ChildProcess | null)?.pid ?? null };
}

/** Whether a Redis answers at a URL. */
export async function redisAnswers(url: string): Promise<boolean> {
  try {
    await waitReady(url, 500);
    return true;
  } catch {
    return false;
  }
}
