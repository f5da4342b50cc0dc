import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../server/src/paths';

const CLK_TCK = 100;
const PAGE_KIB = 4;

/** A server process the bench started (a Parley node or a baseline relay). */
export interface ServerProc {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Options of {@link spawnNode}. */
export interface SpawnOptions {
  name: string;
  /** Script path relative to the repository root (run with `node --import tsx`). */
  script: string;
  env: Record<string, string>;
  port: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Path answering 200 once the process is ready. */
  readyPath?: string;
}

/**
 * Spawns a server as its own node process, so its CPU and memory are measured
 * apart from the load generator's. Both Parley and the baseline run under the
 * same loader (tsx), so neither pays a cost the other does not.
 */
export async function spawnNode(opts: SpawnOptions): Promise<ServerProc> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(REPO_ROOT, opts.script)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString('utf8')).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // BENCH_SERVER_LOG=DIR keeps each server's stderr in DIR/<name>.log (for ad-hoc timing logs).
  if (process.env.BENCH_SERVER_LOG)
    child.stderr!.pipe(fs.createWriteStream(path.join(process.env.BENCH_SERVER_LOG, `${opts.name}.log`)));
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${opts.name} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(url + (opts.readyPath ?? '/healthz'));
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${opts.name} did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: opts.name,
    url,
    pid: child.pid!,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 when unreadable. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in bytes (VmRSS), 0 when unreadable. */
export function procRss(pid: number): number {
  try {
    const statm = fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(statm[1]) * PAGE_KIB * 1024;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** A short description of the machine for the report. */
export function machineInfo(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, node ${process.version}`;
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix: string, base = os.tmpdir()): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(base, prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
