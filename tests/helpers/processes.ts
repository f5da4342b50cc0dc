import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Node arguments that run the `parley` CLI from source (tsx), as `npm run parley --` does. */
export const PARLEY_CLI = ['--import', 'tsx', path.join(ROOT, 'server/src/cli/parley.ts')];

/** What a finished CLI run printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `parley …` as a child process with only the env given (over PATH and NODE_ENV=development). */
export function runParley(
  args: string[],
  env: Record<string, string>,
  opts: { timeoutMs?: number; maxBuffer?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...PARLEY_CLI, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', ...env },
        timeout: opts.timeoutMs ?? 60_000,
        ...(opts.maxBuffer ? { maxBuffer: opts.maxBuffer } : {}),
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A Parley server process started by a test. */
export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `server/src/main.ts` as a real process with the given environment (merged over a minimal one). */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/** Polls a URL until it answers 200, returning how long it took. */
export async function waitReady(url: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Process ids whose command line contains a marker (e.g. a private data directory). */
export function pidsMatching(marker: string): number[] {
  const res = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return res.stdout
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}
