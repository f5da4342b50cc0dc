/**
 * npm run bench:fanout — readers on a page, comments posted at a steady rate;
 * Parley and a plain Socket.IO relay measured alternately in the same run.
 * Options: --only A,C  --duration 10  --small (≤ 50 readers × 10/s × 5 s, a
 * smoke test)  --readers N --rate R --nodes 1|2 --post socket|rest --pages P
 * (one custom scenario)  --prof (Parley nodes and baseline relays write CPU
 * profiles to artifacts/prof/parley and artifacts/prof/baseline).
 */
import { args, profArgs, Report, saveReport } from './lib/cli';
import { runFanout, type FanoutLoad, type FanoutResult, type FanoutSide } from './lib/fanout-run';
import { machineInfo } from './lib/procs';
import { startBaseline, startInfra, startParley, stopAll } from './lib/stack';
import { cpuLine, table, type Row } from './lib/stats';

interface Scenario extends Omit<FanoutLoad, 'durationSec'> {
  id: string;
  nodes: 1 | 2;
  /** Target rows for this scenario, from Parley's and the baseline's results. */
  checks: (p: FanoutResult, b: FanoutResult, all: Map<string, FanoutResult>) => Row[];
}

const lat = (p: FanoutResult, b: FanoutResult, q: number, target?: string, ok?: boolean): Row => ({
  metric: `latency p${q * 100}`,
  parley: p.latency.pct(q),
  baseline: b.latency.pct(q),
  target,
  ok,
});
const t2 = (p: FanoutResult, b: FanoutResult): Row[] => [
  lat(p, b, 0.5, 'T2 ≤ b+10 ms', p.latency.pct(0.5) <= b.latency.pct(0.5) + 10),
  lat(p, b, 0.99, 'T2 ≤ 2×b+10 ms', p.latency.pct(0.99) <= 2 * b.latency.pct(0.99) + 10),
];
const t5 = (p: FanoutResult, b: FanoutResult, label: string): Row => ({
  metric: `${label} ack p99`,
  parley: p.ack.pct(0.99),
  baseline: b.ack.pct(0.99),
  target: 'T5 ≤ 25 ms',
  ok: p.ack.pct(0.99) <= 25,
});
const restGap = (p: FanoutResult, socketRun: FanoutResult | undefined): Row[] =>
  socketRun
    ? [
        {
          metric: 'REST − socket ack p99',
          parley: p.ack.pct(0.99) - socketRun.ack.pct(0.99),
          baseline: NaN,
          target: 'T5 ≤ 5 ms',
          ok: p.ack.pct(0.99) - socketRun.ack.pct(0.99) <= 5,
        },
      ]
    : [];
const t6 = (p: FanoutResult, b: FanoutResult): Row[] => {
  const gap = Math.abs(p.latencyByNode[0]!.pct(0.99) - p.latencyByNode[1]!.pct(0.99));
  return [
    lat(p, b, 0.99, 'T6 ≤ 2×b+10 ms', p.latency.pct(0.99) <= 2 * b.latency.pct(0.99) + 10),
    {
      metric: 'p99 gap between nodes',
      parley: gap,
      baseline: Math.abs(b.latencyByNode[0]!.pct(0.99) - b.latencyByNode[1]!.pct(0.99)),
      target: 'T6 ≤ 10 ms',
      ok: gap <= 10,
    },
  ];
};

const SCENARIOS: Scenario[] = [
  { id: 'A', readers: 100, rate: 10, pages: 1, post: 'socket', nodes: 1, checks: (p, b) => [...t2(p, b), t5(p, b, 'post')] },
  { id: 'B', readers: 100, rate: 100, pages: 1, post: 'socket', nodes: 1, checks: (p, b) => [...t2(p, b), t5(p, b, 'socket')] },
  { id: 'C', readers: 1000, rate: 10, pages: 1, post: 'socket', nodes: 1, checks: (p, b) => [...t2(p, b), t5(p, b, 'socket')] },
  { id: 'D', readers: 5000, rate: 10, pages: 1, post: 'socket', nodes: 1, checks: t2 },
  {
    id: 'E',
    readers: 1000,
    rate: 100,
    pages: 1,
    post: 'socket',
    nodes: 1,
    checks: (p, b) => [
      lat(p, b, 0.99, 'T3 ≤ 2.5×b', p.latency.pct(0.99) <= 2.5 * b.latency.pct(0.99)),
      {
        metric: 'deliveries/s',
        parley: p.deliveriesPerSec,
        baseline: b.deliveriesPerSec,
        target: `T3 ≥ 95 % of ${Math.round(p.offeredPerSec)}`,
        ok: p.deliveriesPerSec >= 0.95 * p.offeredPerSec,
      },
    ],
  },
  {
    id: 'F',
    readers: 5000,
    rate: 100,
    pages: 1,
    post: 'socket',
    nodes: 1,
    checks: (p, b) => [
      {
        metric: 'deliveries/s',
        parley: p.deliveriesPerSec,
        baseline: b.deliveriesPerSec,
        target: 'T4 ≥ 0.8×b',
        ok: p.deliveriesPerSec >= 0.8 * b.deliveriesPerSec,
      },
      {
        metric: 'peak RSS MiB',
        parley: (p.cpu.peakRss.parley ?? 0) / 2 ** 20,
        baseline: (b.cpu.peakRss.baseline ?? 0) / 2 ** 20,
        target: 'T4 ≤ 1.5×b',
        ok: (p.cpu.peakRss.parley ?? 0) <= 1.5 * (b.cpu.peakRss.baseline ?? 0),
      },
    ],
  },
  {
    id: 'G',
    readers: 1000,
    rate: 10,
    pages: 1,
    post: 'rest',
    nodes: 1,
    checks: (p, b, all) => [...t2(p, b), t5(p, b, 'REST 201'), ...restGap(p, all.get('C'))],
  },
  {
    id: 'H',
    readers: 100,
    rate: 100,
    pages: 1,
    post: 'rest',
    nodes: 1,
    checks: (p, b, all) => [...t2(p, b), t5(p, b, 'REST 201'), ...restGap(p, all.get('B'))],
  },
  {
    id: 'L',
    readers: 2000,
    rate: 50,
    pages: 500,
    post: 'socket',
    nodes: 1,
    checks: (p, b) => [lat(p, b, 0.99, 'T10 ≤ 50 ms', p.latency.pct(0.99) <= 50)],
  },
  { id: 'I', readers: 1000, rate: 10, pages: 1, post: 'socket', nodes: 2, checks: t6 },
  { id: 'J', readers: 5000, rate: 10, pages: 1, post: 'socket', nodes: 2, checks: t6 },
  { id: 'K', readers: 5000, rate: 100, pages: 1, post: 'rest', nodes: 2, checks: () => [] },
];

function describe(s: Scenario): string {
  return `${s.id}: ${s.readers.toLocaleString('en-US')} readers${s.pages > 1 ? ` on ${s.pages} pages` : ''} × ${s.rate}/s, ${s.nodes} node${s.nodes > 1 ? 's' : ''}, posting over ${s.post === 'rest' ? 'REST' : 'the socket'}`;
}

function rowsOf(s: Scenario, p: FanoutResult, b: FanoutResult, all: Map<string, FanoutResult>): Row[] {
  return [
    { metric: 'deliveries lost', parley: p.lost, baseline: b.lost, target: 'T1 = 0', ok: p.lost === 0, digits: 0 },
    {
      metric: 'deliveries duplicated',
      parley: p.duplicated,
      baseline: b.duplicated,
      target: 'T1 = 0',
      ok: p.duplicated === 0,
      digits: 0,
    },
    lat(p, b, 0.5),
    lat(p, b, 0.95),
    lat(p, b, 0.99),
    { metric: 'latency max', parley: p.latency.max(), baseline: b.latency.max() },
    { metric: 'post ack p50', parley: p.ack.pct(0.5), baseline: b.ack.pct(0.5) },
    { metric: 'post ack p99', parley: p.ack.pct(0.99), baseline: b.ack.pct(0.99) },
    {
      metric: `deliveries/s (offered ${Math.round(p.offeredPerSec).toLocaleString('en-US')})`,
      parley: p.deliveriesPerSec,
      baseline: b.deliveriesPerSec,
    },
    {
      metric: 'post errors · reader failures',
      parley: p.postErrors + p.readerFailures,
      baseline: b.postErrors + b.readerFailures,
      digits: 0,
    },
    ...s.checks(p, b, all),
  ];
}

async function main(): Promise<void> {
  const opts = args();
  const small = opts.has('small');
  const duration = Number(opts.get('duration') ?? (small ? 5 : 10));
  let scenarios = SCENARIOS;
  if (opts.has('readers')) {
    const custom = {
      id: 'X',
      readers: Number(opts.get('readers')),
      rate: Number(opts.get('rate') ?? 10),
      pages: Number(opts.get('pages') ?? 1),
      post: (opts.get('post') ?? 'socket') as 'socket' | 'rest',
      nodes: Number(opts.get('nodes') ?? 1) as 1 | 2,
    };
    scenarios = [{ ...custom, checks: custom.nodes === 2 ? t6 : t2 }];
  }
  if (opts.has('only')) scenarios = scenarios.filter((s) => opts.get('only')!.split(',').includes(s.id));
  if (small)
    scenarios = scenarios.map((s) => ({
      ...s,
      readers: Math.min(s.readers, s.pages > 1 ? 200 : 50),
      rate: Math.min(s.rate, 10),
    }));

  const report = new Report();
  report.out(
    `## bench:fanout — ${new Date().toISOString()}\n\nMachine: ${machineInfo()}. Each scenario: 1 s warm-up, ${duration} s of posting, then up to 5 s for stragglers.\n`,
  );
  const infra = await startInfra();
  report.out(`Store: embedded FerretDB on its PostgreSQL in ${infra.storeDir}; Redis: ${infra.redisSource}.\n`);
  const results = new Map<string, FanoutResult>();
  let failed = false;
  try {
    for (const nodes of [1, 2] as const) {
      const group = scenarios.filter((s) => s.nodes === nodes);
      if (!group.length) continue;
      const parley = await startParley(infra, nodes, { nodeArgs: profArgs('parley') });
      const baseline = await startBaseline(nodes, {
        ...(nodes === 2 ? { redisUrl: infra.redisUrl } : {}),
        nodeArgs: profArgs('baseline'),
      });
      const sides: FanoutSide[] = [
        {
          name: 'Parley',
          urls: parley.nodes.map((n) => n.url),
          siteId: parley.siteId,
          posterToken: parley.token('bench-poster', 'Bench Poster'),
          pids: { ...Object.fromEntries(parley.nodes.map((n) => [n.name, n.pid])), store: infra.storePid },
        },
        {
          name: 'baseline',
          urls: baseline.map((n) => n.url),
          siteId: parley.siteId,
          posterToken: 'unused',
          pids: Object.fromEntries(baseline.map((n) => [n.name, n.pid])),
        },
      ];
      try {
        for (const [k, s] of group.entries()) {
          const load = { ...s, durationSec: duration };
          // Alternate which side goes first so drift (heat, other load) does not favour one.
          const order = k % 2 === 0 ? [1, 0] : [0, 1];
          const out: FanoutResult[] = [];
          for (const i of order) out[i] = await runFanout(sides[i]!, load);
          const [p, b] = out as [FanoutResult, FanoutResult];
          results.set(s.id, p);
          if (p.lost || p.duplicated || b.lost || b.duplicated) failed = true;
          report.out(
            `${table(describe(s), rowsOf(s, p, b, results))}\n\n${cpuLine('Parley run', p.cpu)}\n${cpuLine('baseline run', b.cpu)}\n`,
          );
        }
      } finally {
        await parley.stop();
        await stopAll(baseline);
      }
    }
  } finally {
    await infra.stop();
  }
  report.out(failed ? '**FAILED: deliveries were lost or duplicated.**' : 'Every delivery arrived exactly once.');
  process.stderr.write(`report saved to ${saveReport('fanout', report.text())}\n`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:fanout failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
