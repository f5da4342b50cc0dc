/**
 * `npm run bench:scale`: how Parley's costs grow with the data already stored.
 *
 * For N = 1,000, 10,000, 100,000 and 1,000,000 comments (over N / 20 pages) it
 * starts a fresh embedded store on disk and one Parley node, seeds the comments
 * straight through the store (as an import does), then measures against the
 * running node: cold thread listings (each page read once), a warm listing, a
 * reply listing, post acknowledgement, counts of 20 pages and the first page of
 * the moderation queue, the site's latest comments (Recent), plus the store's disk and memory. One table per N, with
 * the ratio to N = 1,000.
 *
 *   npm run bench:scale                 # all four sizes (the largest seeds for a few minutes)
 *   npm run bench:scale -- --small      # stops at 100,000
 *   npm run bench:scale -- --sizes 1000,50000
 *   MONGODB_URI=mongodb://… npm run bench:scale   # against a real MongoDB (each size in its own database)
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { io as ioClient, type Socket } from 'socket.io-client';
import { args, Report, saveReport } from './lib/cli';
import { machineInfo, procRss, tempDir } from './lib/procs';
import { seedComments, type Seeded } from './lib/seed';
import { analyzeStore } from '../server/src/infra/store-indexes';
import { startInfra, startParley, type Infra, type ParleyStack } from './lib/stack';
import { fmt, Samples, table, type Row } from './lib/stats';

const opts = args();
const SIZES = opts.get('sizes')
  ? opts.get('sizes')!.split(',').map(Number)
  : opts.has('small')
    ? [1_000, 10_000, 100_000]
    : [1_000, 10_000, 100_000, 1_000_000];
const SAMPLES = Number(opts.get('samples') ?? 200);

/** The latencies each size measures. */
type LatencyKey = 'cold' | 'warm' | 'replies' | 'post' | 'counts' | 'queue' | 'recent';

interface Figures {
  seedSeconds: number;
  cold: Samples;
  warm: Samples;
  replies: Samples;
  post: Samples;
  counts: Samples;
  queue: Samples;
  recent: Samples;
  diskMiB: number;
  storeRssMiB: number;
  nodeRssMiB: number;
}

/** Every process in the tree under `root` (the store launcher and the PostgreSQL under it). */
function treePids(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

/** Proportional set size (shared pages split between sharers) of a process tree, in MiB. */
function treePssMiB(root: number): number {
  let kib = 0;
  for (const pid of treePids(root)) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kib += Number(m?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kib / 1024;
}

function duMiB(dir: string): number {
  const out = execFileSync('du', ['-sk', dir], { encoding: 'utf8' });
  return Number(out.split('\t')[0]) / 1024;
}

async function timed(samples: Samples, fn: () => Promise<void>): Promise<void> {
  const t = performance.now();
  await fn();
  samples.add(performance.now() - t);
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

function pick<T>(list: T[], i: number): T {
  return list[(i * 7919) % list.length]!;
}

async function measure(stack: ParleyStack, seeded: Seeded, infra: Infra | null): Promise<Omit<Figures, 'seedSeconds'>> {
  const base = `${stack.nodes[0]!.url}/api/v1/sites/${stack.siteId}`;
  const page = (id: string) => `${base}/pages/${encodeURIComponent(id)}/comments`;
  const f = {
    cold: new Samples(),
    warm: new Samples(),
    replies: new Samples(),
    post: new Samples(),
    counts: new Samples(),
    queue: new Samples(),
    recent: new Samples(),
  };
  // Cold listings: each page read once, newest/oldest/top in turn (no cache can help).
  const sorts = ['newest', 'oldest', 'top'];
  const coldPages = Math.min(SAMPLES, seeded.pages.length);
  for (let i = 0; i < coldPages; i++)
    await timed(f.cold, async () => void (await getJson(`${page(pick(seeded.pages, i))}?sort=${sorts[i % 3]}&limit=20`)));
  const hot = seeded.pages[seeded.pages.length - 1]!;
  await getJson(`${page(hot)}?limit=20`);
  for (let i = 0; i < SAMPLES; i++) await timed(f.warm, async () => void (await getJson(`${page(hot)}?limit=20`)));
  for (let i = 0; i < Math.min(SAMPLES, seeded.parents.length); i++) {
    const p = pick(seeded.parents, i);
    await timed(f.replies, async () => void (await getJson(`${page(p.pageId)}?parentId=${p.id}&sort=oldest`)));
  }
  // Post acknowledgement over REST, spread over pages (the node knows none of them yet).
  for (let i = 0; i < SAMPLES; i++) {
    const token = stack.token(`poster-${i % 20}`);
    await timed(f.post, async () => {
      const res = await fetch(page(pick(seeded.pages, i + 3)), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          body: `A new comment ${i} after ${seeded.comments} others`,
          clientNonce: randomBytes(8).toString('hex'),
        }),
      });
      if (res.status !== 201) throw new Error(`post: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
  }
  for (let i = 0; i < SAMPLES; i++) {
    const q = Array.from({ length: 20 }, (_, j) => `page=${encodeURIComponent(pick(seeded.pages, i * 20 + j + 11))}`).join('&');
    await timed(f.counts, async () => void (await getJson(`${base}/counts?${q}`)));
  }
  // The first page of the moderation queue, as the moderation page asks for it.
  const mod: Socket = ioClient(`${stack.nodes[0]!.url}/admin`, {
    transports: ['websocket'],
    auth: { siteId: stack.siteId, token: stack.token('bench-mod', 'Moderator', ['moderator']) },
  });
  await new Promise<void>((resolve, reject) => {
    mod.once('connect', resolve);
    mod.once('connect_error', reject);
  });
  for (let i = 0; i < Math.min(SAMPLES, 100); i++)
    await timed(f.queue, async () => {
      const ack = (await mod.emitWithAck('queue:list', { status: 'pending', limit: 20 })) as { ok: boolean; comments: unknown[] };
      if (!ack.ok || (seeded.pending > 0 && ack.comments.length === 0)) throw new Error(`queue:list: ${JSON.stringify(ack)}`);
    });
  // The site's latest comments of every status (the moderation page's Recent column; the site feed reads the same way).
  for (let i = 0; i < Math.min(SAMPLES, 100); i++)
    await timed(f.recent, async () => {
      const ack = (await mod.emitWithAck('comments:recent', { limit: 20 })) as { ok: boolean; comments: unknown[] };
      if (!ack.ok || ack.comments.length === 0) throw new Error(`comments:recent: ${JSON.stringify(ack)}`);
    });
  mod.close();
  return {
    ...f,
    diskMiB: infra ? duMiB(infra.storeDir) : NaN,
    storeRssMiB: infra ? treePssMiB(infra.storePid) : NaN,
    nodeRssMiB: procRss(stack.nodes[0]!.pid) / 2 ** 20,
  };
}

async function runSize(n: number): Promise<Figures> {
  const external = process.env.MONGODB_URI;
  const infra = external ? null : await startInfra({ onDisk: true });
  const dbName = `parley_scale_${n}_${randomBytes(3).toString('hex')}`;
  const mongoUri = external ? external.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`) : infra!.mongoUri;
  const stack = await startParley(
    infra ?? {
      mongoUri,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      redisSource: 'REDIS_URL',
      storeDir: '',
      storePid: 0,
      postgresUrl: '',
      postgresPid: null,
      stop: async () => {},
    },
    1,
  );
  const dir = tempDir('parley-scale-');
  try {
    let last = 0;
    const seeded = await seedComments(mongoUri, stack.siteId, n, {
      onProgress: (done) => {
        if (n >= 100_000 && done - last >= n / 10) {
          last = done;
          process.stderr.write(`  seeded ${done.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} comments…\n`);
        }
      },
    });
    // As an import does when it finishes: fresh planner statistics for what it loaded (counted in the seeding time).
    const analyzed = Date.now();
    if (infra) await analyzeStore(infra.postgresUrl, new URL(mongoUri).pathname.slice(1));
    const seedSeconds = (seeded.ms + Date.now() - analyzed) / 1000;
    process.stderr.write(`  N=${n}: seeded in ${fmt(seedSeconds)} s; measuring…\n`);
    return { seedSeconds, ...(await measure(stack, seeded, infra)) };
  } finally {
    dir.remove();
    await stack.stop();
    await infra?.stop();
  }
}

const TARGETS_AT_1M = { coldP50: 30, coldP99: 120, postP99: 30, countsP99: 30, queueP99: 120, seedSeconds: 300 };

async function main(): Promise<void> {
  const report = new Report();
  // A clean export (git archive) has no .git: BENCH_COMMIT names the commit it came from.
  const commit =
    process.env.BENCH_COMMIT ??
    (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
      } catch {
        return 'unknown';
      }
    })();
  report.out(`# bench:scale — ${new Date().toISOString()} — commit ${commit}`);
  report.out(`Machine: ${machineInfo()}`);
  report.out(
    `Store: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded default (FerretDB on its embedded PostgreSQL, on disk)'}; one Parley node; ${SAMPLES} samples a row (sequential requests).\n`,
  );
  const results = new Map<number, Figures>();
  let failed = false;
  for (const n of SIZES) {
    process.stderr.write(
      `[scale] N = ${n.toLocaleString('en-US')} comments over ${Math.round(n / 20).toLocaleString('en-US')} pages\n`,
    );
    const f = await runSize(n);
    results.set(n, f);
    const b = results.get(SIZES[0]!)!;
    const at1m = n >= 1_000_000;
    const p = (s: Samples, q: number) => s.pct(q);
    const row = (metric: string, v: number, bv: number, target?: string, ok?: boolean, digits = 1): Row => ({
      metric,
      parley: v,
      baseline: bv,
      target,
      ok,
      digits,
    });
    /**
     * The p50 and p99 rows of one latency: at 1,000,000 the p50 must stay within 2× N = 1,000's (and under
     * `p50Max` where given) and the p99 under `p99Max`; untargeted latencies get the same two rows without checks.
     */
    const latency = (name: string, key: LatencyKey, limits?: { p50Max?: number; p99Max: number }): Row[] => {
      const [s, bs] = [f[key], b[key]];
      const targeted = at1m && limits !== undefined;
      const p50ok = p(s, 0.5) <= 2 * p(bs, 0.5) && (limits?.p50Max === undefined || p(s, 0.5) <= limits.p50Max);
      const p50Target = limits?.p50Max !== undefined ? `≤ ${limits.p50Max}, ≤ 2× N=1k` : '≤ 2× N=1k';
      return [
        row(`${name} p50 (ms)`, p(s, 0.5), p(bs, 0.5), targeted ? p50Target : undefined, targeted ? p50ok : undefined),
        row(
          `${name} p99 (ms)`,
          p(s, 0.99),
          p(bs, 0.99),
          targeted ? `≤ ${limits.p99Max}` : undefined,
          targeted ? p(s, 0.99) <= limits.p99Max : undefined,
        ),
      ];
    };
    const rows: Row[] = [
      row('seeding (s)', f.seedSeconds, b.seedSeconds, at1m ? '≤ 300' : undefined, at1m ? f.seedSeconds <= 300 : undefined),
      ...latency('cold listing', 'cold', { p50Max: TARGETS_AT_1M.coldP50, p99Max: TARGETS_AT_1M.coldP99 }),
      ...latency('warm listing', 'warm'),
      ...latency('reply listing', 'replies'),
      ...latency('post ack', 'post', { p99Max: TARGETS_AT_1M.postP99 }),
      ...latency('counts of 20 pages', 'counts', { p99Max: TARGETS_AT_1M.countsP99 }),
      ...latency('moderation queue page', 'queue', { p99Max: TARGETS_AT_1M.queueP99 }),
      ...latency('recent comments of the site', 'recent'),
      row('store on disk (MiB)', f.diskMiB, b.diskMiB),
      row('store memory, PSS (MiB)', f.storeRssMiB, b.storeRssMiB),
      row('Parley node RSS (MiB)', f.nodeRssMiB, b.nodeRssMiB),
    ];
    if (rows.some((r) => r.ok === false)) failed = true;
    report.out(
      table(
        `N = ${n.toLocaleString('en-US')} comments, ${Math.round(n / 20).toLocaleString('en-US')} pages (baseline column: N = ${SIZES[0]!.toLocaleString('en-US')})`,
        rows,
      ).replace('| Parley | baseline |', `| N = ${n.toLocaleString('en-US')} | N = ${SIZES[0]!.toLocaleString('en-US')} |`) +
        '\n',
    );
  }
  const file = saveReport('scale', report.text());
  report.out(`Report saved to ${file}`);
  if (failed) {
    console.error('[scale] some targets were missed (rows marked **no**)');
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
