import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../server/src/infra/embedded-store';

/** A private master, one replica and three sentinels (Debian's `redis-server`, run with `--sentinel`). */
export interface SentinelSet {
  name: string;
  sentinels: { host: string; port: number }[];
  masterPort: number;
  replicaPort: number;
  /** SIGKILLs the current master process. */
  killMaster(): Promise<void>;
  /** Resolves once the sentinels name the replica as master. */
  promoted(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ask<T>(port: number, run: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await run(c);
  } finally {
    c.disconnect();
  }
}

/** Starts the set on free ports in a temporary directory and waits until the sentinels see the replica. */
export async function startSentinelSet(name = 'mymaster'): Promise<SentinelSet> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sentinel-'));
  const children: ChildProcess[] = [];
  const run = (args: string[]): ChildProcess => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.on('error', () => undefined);
    children.push(child);
    return child;
  };
  const base = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  const master = run([...base(masterPort), '--dir', dir, '--dbfilename', 'm.rdb']);
  run([...base(replicaPort), '--dir', dir, '--dbfilename', 'r.rdb', '--replicaof', '127.0.0.1', String(masterPort)]);
  const sentinels: { host: string; port: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const conf = path.join(dir, `sentinel-${i}.conf`);
    fs.writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    run([conf, '--sentinel']);
    sentinels.push({ host: '127.0.0.1', port });
  }
  await until(
    async () => (await ask(replicaPort, (c) => c.info('replication'))).includes('master_link_status:up'),
    15_000,
    'the replica to sync',
  );
  await until(
    async () => {
      for (const s of sentinels) {
        const replicas = (await ask(s.port, (c) => c.call('SENTINEL', 'REPLICAS', name))) as unknown[];
        if (replicas.length < 1) return false;
      }
      return true;
    },
    15_000,
    'the sentinels to discover the replica',
  );
  return {
    name,
    sentinels,
    masterPort,
    replicaPort,
    async killMaster() {
      if (master.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        master.once('exit', () => resolve());
        master.kill('SIGKILL');
      });
    },
    promoted: (timeoutMs = 20_000) =>
      until(
        async () => {
          const addr = (await ask(sentinels[0]!.port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name))) as string[];
          return addr[1] === String(replicaPort);
        },
        timeoutMs,
        'the replica to be promoted',
      ),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGKILL');
            }),
        ),
      );
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
