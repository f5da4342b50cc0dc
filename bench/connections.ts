/**
 * npm run bench:connections — idle readers opened in steps (100 handshakes and
 * joins in flight) up to 10,000, anonymous and signed in, against a fresh
 * Parley node and a fresh plain Socket.IO relay: RSS per joined reader (the
 * slope of RSS over readers), handshake and join-ack percentiles, failures.
 * Options: --steps 1000,2500,5000,10000  --small (steps 50,100)  --modes anonymous,signed
 * --prof (CPU profiles of both servers in artifacts/prof/{parley,baseline}).
 */
import { args, profArgs, Report, saveReport } from './lib/cli';
import { procRss, machineInfo, type ServerProc } from './lib/procs';
import { closeReaders, openReaders, type OpenedReaders } from './lib/readers';
import { startBaseline, startInfra, startParley, stopAll, type Infra } from './lib/stack';
import { CpuMeter, Samples, cpuLine, delay, fmt, table, type CpuReport } from './lib/stats';

type Mode = 'anonymous' | 'signed';

interface ConnResult {
  /** (readers, RSS bytes) after each step. */
  points: [number, number][];
  handshake: Samples;
  joinAck: Samples;
  /** Handshake and join samples of the first 1,000 readers (target 8). */
  first: { handshake: Samples; joinAck: Samples };
  failures: number;
  cpu: CpuReport;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den ? num / den : NaN;
}

async function settledRss(pid: number): Promise<number> {
  await delay(1500);
  return procRss(pid);
}

async function measure(
  proc: ServerProc,
  siteId: string,
  steps: number[],
  tokenOf: ((i: number) => string) | undefined,
  storePid?: number,
): Promise<ConnResult> {
  const target = { urls: [proc.url], siteId, pageOf: () => 'bench-idle-page', tokenOf };
  const meter = new CpuMeter({ [proc.name]: proc.pid, ...(storePid ? { store: storePid } : {}) }).start();
  const res: ConnResult = {
    points: [[0, await settledRss(proc.pid)]],
    handshake: new Samples(),
    joinAck: new Samples(),
    first: { handshake: new Samples(), joinAck: new Samples() },
    failures: 0,
    cpu: null as unknown as CpuReport,
  };
  const all: OpenedReaders['sockets'] = [];
  let open = 0;
  for (const step of steps) {
    const firstBatch = Math.min(step, 1000);
    const batches: [number, number][] =
      open < firstBatch
        ? [
            [open, firstBatch],
            [firstBatch, step],
          ]
        : [[open, step]];
    for (const [from, to] of batches) {
      if (to <= from) continue;
      const got = await openReaders(target, from, to, 100);
      for (const s of got.sockets) all.push(s);
      res.failures += got.failures;
      merge(got, from < 1000 ? [res, res.first] : [res]);
    }
    open = step;
    res.points.push([all.length, await settledRss(proc.pid)]);
  }
  res.cpu = meter.stop();
  await closeReaders(all);
  return res;
}

/** Copies a batch's samples into each sink. */
function merge(got: OpenedReaders, sinks: { handshake: Samples; joinAck: Samples }[]): void {
  for (const sink of sinks) {
    for (const v of got.handshake.values()) sink.handshake.add(v);
    for (const v of got.joinAck.values()) sink.joinAck.add(v);
  }
}

async function runMode(
  infra: Infra,
  mode: Mode,
  steps: number[],
  first: 'parley' | 'baseline',
): Promise<{ p: ConnResult; b: ConnResult }> {
  const out: Partial<{ p: ConnResult; b: ConnResult }> = {};
  for (const side of first === 'parley' ? (['p', 'b'] as const) : (['b', 'p'] as const)) {
    if (side === 'p') {
      const parley = await startParley(infra, 1, { nodeArgs: profArgs('parley') });
      try {
        const tokenOf = mode === 'signed' ? (i: number) => parley.token(`reader-${i}`, `Reader ${i}`) : undefined;
        out.p = await measure(parley.nodes[0]!, parley.siteId, steps, tokenOf, infra.storePid);
      } finally {
        await parley.stop();
      }
    } else {
      const [baseline] = await startBaseline(1, { nodeArgs: profArgs('baseline') });
      try {
        out.b = await measure(baseline!, 'bench', steps, mode === 'signed' ? () => 'x'.repeat(200) : undefined);
      } finally {
        await stopAll([baseline!]);
      }
    }
  }
  return out as { p: ConnResult; b: ConnResult };
}

async function main(): Promise<void> {
  const opts = args();
  const steps = (opts.get('steps') ?? (opts.has('small') ? '50,100' : '1000,2500,5000,10000')).split(',').map(Number);
  const modes = (opts.get('modes') ?? 'anonymous,signed').split(',') as Mode[];
  const report = new Report();
  report.out(
    `## bench:connections — ${new Date().toISOString()}\n\nMachine: ${machineInfo()}. Readers connect (websocket) and join one page, 100 in flight, in steps of ${steps.join(', ')}; RSS read from /proc 1.5 s after each step; a fresh server per mode.\n`,
  );
  const infra = await startInfra();
  let failed = false;
  try {
    for (const [k, mode] of modes.entries()) {
      const { p, b } = await runMode(infra, mode, steps, k % 2 ? 'parley' : 'baseline');
      const perReader = (r: ConnResult) => slope(r.points) / 1024;
      const limitKiB = mode === 'signed' ? 27 : 20;
      const top = steps[steps.length - 1]!;
      const topRss = (r: ConnResult) => (r.points[r.points.length - 1]?.[1] ?? 0) / 2 ** 20;
      if (p.failures || b.failures) failed = true;
      report.out(
        table(`${mode} readers, up to ${top.toLocaleString('en-US')}`, [
          {
            metric: 'RSS per joined reader, KiB (slope)',
            parley: perReader(p),
            baseline: perReader(b),
            target: `T7 ≤ ${limitKiB} KiB`,
            ok: perReader(p) <= limitKiB,
          },
          {
            metric: `RSS at ${top.toLocaleString('en-US')} readers, MiB`,
            parley: topRss(p),
            baseline: topRss(b),
            target: top >= 10_000 ? 'T7 ≤ 350 MiB' : undefined,
            ok: top >= 10_000 ? topRss(p) <= 350 : undefined,
          },
          { metric: 'failures', parley: p.failures, baseline: b.failures, target: 'T7 = 0', ok: p.failures === 0, digits: 0 },
          { metric: 'handshake p50 (all)', parley: p.handshake.pct(0.5), baseline: b.handshake.pct(0.5) },
          { metric: 'handshake p99 (all)', parley: p.handshake.pct(0.99), baseline: b.handshake.pct(0.99) },
          {
            metric: 'handshake p99, first 1,000',
            parley: p.first.handshake.pct(0.99),
            baseline: b.first.handshake.pct(0.99),
            target: 'T8 ≤ 2×b',
            ok: p.first.handshake.pct(0.99) <= 2 * b.first.handshake.pct(0.99),
          },
          {
            metric: 'join ack p99, first 1,000',
            parley: p.first.joinAck.pct(0.99),
            baseline: b.first.joinAck.pct(0.99),
            target: 'T8 ≤ 2×b+10 ms',
            ok: p.first.joinAck.pct(0.99) <= 2 * b.first.joinAck.pct(0.99) + 10,
          },
        ]),
      );
      const pts = (r: ConnResult) => r.points.map(([n, rss]) => `${n}: ${fmt(rss / 2 ** 20, 0)}`).join(', ');
      report.out(
        `\n- RSS MiB by readers — Parley ${pts(p)}; baseline ${pts(b)}\n${cpuLine('Parley run', p.cpu)}\n${cpuLine('baseline run', b.cpu)}\n`,
      );
    }
  } finally {
    await infra.stop();
  }
  report.out(failed ? '**FAILED: some readers could not connect.**' : 'Every reader connected.');
  process.stderr.write(`report saved to ${saveReport('connections', report.text())}\n`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:connections failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
