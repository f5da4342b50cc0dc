import { performance } from 'node:perf_hooks';
import { machineTicks, procCpuSeconds, procRss } from './procs';

/** A growable list of samples (milliseconds) with percentiles. */
export class Samples {
  private data = new Float64Array(1024);
  private n = 0;
  private sorted = true;

  /** Adds one sample. */
  add(v: number): void {
    if (this.n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = v;
    this.sorted = false;
  }

  /** Number of samples. */
  get count(): number {
    return this.n;
  }

  /** The q-quantile (0..1), NaN when empty. */
  pct(q: number): number {
    if (this.n === 0) return NaN;
    if (!this.sorted) {
      this.data.subarray(0, this.n).sort();
      this.sorted = true;
    }
    return this.data[Math.min(this.n - 1, Math.max(0, Math.ceil(q * this.n) - 1))]!;
  }

  /** The samples, in insertion order unless a percentile was asked for. */
  values(): Float64Array {
    return this.data.subarray(0, this.n);
  }

  /** Largest sample, NaN when empty. */
  max(): number {
    return this.pct(1);
  }
}

/** CPU use over a measurement window. */
export interface CpuReport {
  /** Whole machine, percent of all cores. */
  machine: number;
  /** This (load generator) process, percent of one core. */
  client: number;
  /** Event-loop utilisation of the load generator (0..1). */
  clientElu: number;
  /** Each server process, percent of one core. */
  servers: Record<string, number>;
  /** Peak RSS seen per server process, bytes. */
  peakRss: Record<string, number>;
}

/** Measures machine, client and server CPU between start and stop; samples server RSS every 250 ms. */
export class CpuMeter {
  private t0 = 0;
  private m0 = machineTicks();
  private c0 = process.cpuUsage();
  private e0 = performance.eventLoopUtilization();
  private s0: Record<string, number> = {};
  private peak: Record<string, number> = {};
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly servers: Record<string, number>) {}

  /** Starts the window. */
  start(): this {
    this.t0 = performance.now();
    this.m0 = machineTicks();
    this.c0 = process.cpuUsage();
    this.e0 = performance.eventLoopUtilization();
    for (const [name, pid] of Object.entries(this.servers)) {
      this.s0[name] = procCpuSeconds(pid);
      this.peak[name] = procRss(pid);
    }
    this.timer = setInterval(() => {
      for (const [name, pid] of Object.entries(this.servers)) this.peak[name] = Math.max(this.peak[name] ?? 0, procRss(pid));
    }, 250);
    return this;
  }

  /** Ends the window and reports. */
  stop(): CpuReport {
    if (this.timer) clearInterval(this.timer);
    const secs = (performance.now() - this.t0) / 1000;
    const m1 = machineTicks();
    const c = process.cpuUsage(this.c0);
    const servers: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.servers))
      servers[name] = ((procCpuSeconds(pid) - (this.s0[name] ?? 0)) / secs) * 100;
    return {
      machine: ((m1.busy - this.m0.busy) / Math.max(1, m1.total - this.m0.total)) * 100,
      client: ((c.user + c.system) / 1e6 / secs) * 100,
      clientElu: performance.eventLoopUtilization(this.e0).utilization,
      servers,
      peakRss: { ...this.peak },
    };
  }
}

/** Whether the load generator, not the server, limited a run. */
export function clientBound(cpu: CpuReport): boolean {
  return cpu.clientElu > 0.9 || cpu.client > 90;
}

/** Formats a number of milliseconds, counts or ratios for a table cell. */
export function fmt(v: number, digits = 1): string {
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(digits);
}

/** One comparison row: Parley's figure, the baseline's, their ratio and the target check. */
export interface Row {
  metric: string;
  parley: number;
  baseline: number;
  /** Human-readable target, e.g. "≤ 2×b+10". */
  target?: string;
  /** Whether the target is met (undefined: no target for this row). */
  ok?: boolean;
  digits?: number;
}

/** Renders rows as a Markdown table (printed, and pasted into docs/performance.md). */
export function table(title: string, rows: Row[]): string {
  const out = [`### ${title}`, '', '| metric | Parley | baseline | ratio | target | met |', '|---|---:|---:|---:|---|:-:|'];
  for (const r of rows) {
    const ratio = r.baseline > 0 && Number.isFinite(r.parley) ? r.parley / r.baseline : NaN;
    const met = r.ok === undefined ? '' : r.ok ? 'yes' : '**no**';
    out.push(
      `| ${r.metric} | ${fmt(r.parley, r.digits)} | ${fmt(r.baseline, r.digits)} | ${fmt(ratio, 2)} | ${r.target ?? ''} | ${met} |`,
    );
  }
  return out.join('\n');
}

/** Renders CPU use of both sides of a comparison, flagging a client-bound run. */
export function cpuLine(label: string, cpu: CpuReport): string {
  const servers = Object.entries(cpu.servers)
    .map(([n, v]) => `${n} ${fmt(v, 0)} %`)
    .join(', ');
  const rss = Object.entries(cpu.peakRss)
    .filter(([, v]) => v > 0)
    .map(([n, v]) => `${n} ${fmt(v / 2 ** 20, 0)} MiB`)
    .join(', ');
  const warn = clientBound(cpu) ? ' — **client-bound: the load generator, not the server, was the bottleneck**' : '';
  return `- ${label}: machine ${fmt(cpu.machine, 0)} % of 2 cores; client ${fmt(cpu.client, 0)} % of a core (ELU ${fmt(cpu.clientElu, 2)}); servers: ${servers}; peak RSS: ${rss}${warn}`;
}

/** Resolves after `ms` milliseconds (pacing only; never used to wait for an event). */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
