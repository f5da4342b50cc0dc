/**
 * npm run bench:read — a 1,000-comment thread read over REST with autocannon
 * (50 connections): the first page of 50, a page 20 cursors deep, and a walk
 * through all 20 pages by cursor; Parley against an in-memory server that
 * returns the same JSON, alternately in one run.
 * Options: --duration 10  --connections 50  --small (200 comments, 10 connections, 3 s).
 */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { args, Report, saveReport } from './lib/cli';
import { machineInfo, tempDir } from './lib/procs';
import { startBaseline, startInfra, startParley, stopAll } from './lib/stack';
import { CpuMeter, cpuLine, table, type CpuReport, type Row } from './lib/stats';

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpu: CpuReport;
}

const PAGE = 50;

async function hammer(
  base: string,
  paths: string[],
  connections: number,
  duration: number,
  pids: Record<string, number>,
): Promise<Measured> {
  const meter = new CpuMeter(pids).start();
  const r = await autocannon({ url: base, connections, duration, requests: paths.map((p) => ({ method: 'GET', path: p })) });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, cpu: meter.stop() };
}

/** Posts `count` comments over REST, 10 at a time. */
async function seed(url: string, siteId: string, pageId: string, token: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${url}/api/v1/sites/${siteId}/pages/${encodeURIComponent(pageId)}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          body: `Comment **${i}** on the bench thread, with a [link](https://example.com/${i}) and some words to make it a realistic length for a news comment.`,
        }),
      });
      if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
}

/** Walks the thread by cursor; returns each page's path and every comment in order. */
async function walk(url: string, listPath: string): Promise<{ paths: string[]; comments: unknown[] }> {
  const paths: string[] = [];
  const comments: unknown[] = [];
  let cursor: string | null = null;
  do {
    const p: string = `${listPath}?limit=${PAGE}&sort=newest${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = (await (await fetch(url + p)).json()) as { comments: unknown[]; nextCursor: string | null };
    paths.push(p);
    comments.push(...body.comments);
    cursor = body.nextCursor;
  } while (cursor);
  return { paths, comments };
}

async function main(): Promise<void> {
  const opts = args();
  const small = opts.has('small');
  const duration = Number(opts.get('duration') ?? (small ? 3 : 10));
  const connections = Number(opts.get('connections') ?? (small ? 10 : 50));
  const total = small ? 200 : 1000;
  const report = new Report();
  report.out(
    `## bench:read — ${new Date().toISOString()}\n\nMachine: ${machineInfo()}. A ${total}-comment thread, pages of ${PAGE}, sort newest; autocannon, ${connections} connections, ${duration} s per measurement.\n`,
  );
  const infra = await startInfra();
  const tmp = tempDir('parley-bench-read-');
  const parley = await startParley(infra, 1);
  const node = parley.nodes[0]!;
  const pageId = '/2026/bench-thread';
  const listPath = `/api/v1/sites/${parley.siteId}/pages/${encodeURIComponent(pageId)}/comments`;
  let baseline: Awaited<ReturnType<typeof startBaseline>> = [];
  try {
    await seed(node.url, parley.siteId, pageId, parley.token('bench-author', 'Bench Author'), total);
    const thread = await walk(node.url, listPath);
    if (thread.comments.length !== total) throw new Error(`the walk found ${thread.comments.length} comments, not ${total}`);
    const dataFile = path.join(tmp.dir, 'comments.json');
    fs.writeFileSync(dataFile, JSON.stringify(thread.comments));
    baseline = await startBaseline(1, { readData: dataFile });
    const b = baseline[0]!;
    const basePaths = thread.paths.map(
      (_, k) =>
        `${listPath}?limit=${PAGE}&sort=newest${k ? `&cursor=${Buffer.from(String(k * PAGE)).toString('base64url')}` : ''}`,
    );
    const loads = { first: [0], deep: [thread.paths.length - 1], walk: thread.paths.map((_, k) => k) };
    const res: Record<string, { p: Measured; b: Measured }> = {};
    for (const [k, [name, idx]] of Object.entries(loads).entries()) {
      const runP = () =>
        hammer(
          node.url,
          idx.map((i) => thread.paths[i]!),
          connections,
          duration,
          { parley: node.pid, store: infra.storePid },
        );
      const runB = () =>
        hammer(
          b.url,
          idx.map((i) => basePaths[i]!),
          connections,
          duration,
          { baseline: b.pid },
        );
      // Alternate which side goes first.
      if (k % 2) res[name] = { p: await runP(), b: await runB() };
      else {
        const bm = await runB();
        res[name] = { p: await runP(), b: bm };
      }
    }
    const { first, deep, walk: w } = res as Record<'first' | 'deep' | 'walk', { p: Measured; b: Measured }>;
    const rows: Row[] = [
      {
        metric: 'page 1: req/s',
        parley: first.p.rps,
        baseline: first.b.rps,
        target: 'T9 ≥ 0.3×b',
        ok: first.p.rps >= 0.3 * first.b.rps,
      },
      { metric: 'page 1: p50 ms', parley: first.p.p50, baseline: first.b.p50 },
      {
        metric: 'page 1: p99 ms',
        parley: first.p.p99,
        baseline: first.b.p99,
        target: 'T9 ≤ 3×b',
        ok: first.p.p99 <= 3 * first.b.p99,
      },
      { metric: `page ${thread.paths.length} (deep cursor): req/s`, parley: deep.p.rps, baseline: deep.b.rps },
      {
        metric: `page ${thread.paths.length}: p99 ms`,
        parley: deep.p.p99,
        baseline: deep.b.p99,
        target: 'T9 ≤ 1.25× Parley page 1 p99',
        ok: deep.p.p99 <= 1.25 * first.p.p99,
      },
      { metric: `walk of ${thread.paths.length} pages: req/s`, parley: w.p.rps, baseline: w.b.rps },
      { metric: 'walk: p50 ms', parley: w.p.p50, baseline: w.b.p50 },
      { metric: 'walk: p99 ms', parley: w.p.p99, baseline: w.b.p99 },
      {
        metric: 'errors and non-2xx',
        parley: first.p.errors + deep.p.errors + w.p.errors,
        baseline: first.b.errors + deep.b.errors + w.b.errors,
        digits: 0,
      },
    ];
    report.out(`${table('GET comments', rows)}\n`);
    for (const [name, m] of Object.entries(res))
      report.out(`${cpuLine(`Parley ${name}`, m.p.cpu)}\n${cpuLine(`baseline ${name}`, m.b.cpu)}`);
  } finally {
    await parley.stop();
    await stopAll(baseline);
    await infra.stop();
    tmp.remove();
  }
  process.stderr.write(`report saved to ${saveReport('read', report.text())}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:read failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
