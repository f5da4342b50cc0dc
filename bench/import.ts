/**
 * `npm run bench:import -- [--size 100000] [--size 1000000] [--keep-file] [--file F] [--generate F]`: generates a
 * Disqus export of N comments (threads of ~200, a third of them replies, ~250-byte
 * messages), imports it into a fresh embedded store (or MONGODB_URI) through the same
 * service as the CLI, and prints comments/s and peak RSS of this process and of the store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore } from '../server/src/infra/embedded-store';
import { connectMongo } from '../server/src/infra/mongo';
import { ensureStoreIndexes } from '../server/src/infra/store-indexes';
import { CommentsRepository } from '../server/src/modules/comments/comments.repository';
import { boundImportHeap } from '../server/src/modules/imports/import-heap';
import { ImportService } from '../server/src/modules/imports/import.service';
import { ImportWriter } from '../server/src/modules/imports/import-writer';
import { PagesRepository } from '../server/src/modules/pages/pages.repository';
import { DISQUS_HEAD, disqusPost, disqusThread } from '../tests/helpers/import-fixtures';

function sizes(argv: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === '--size') out.push(Number(argv[++i]));
  return out.length ? out : [100_000, 1_000_000];
}

async function generate(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(DISQUS_HEAD);
  const threads = Math.max(1, Math.ceil(n / 200));
  for (let t = 0; t < threads; t++)
    await write(disqusThread({ id: `t${t}`, link: `https://news.example.com/${2010 + (t % 10)}/story-${t}` }));
  const text =
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';
  for (let i = 0; i < n; i++) {
    const thread = i % threads;
    // A third are replies to a comment of the same thread one round earlier.
    const parent = i % 3 === 2 && i >= threads ? String(i - threads) : undefined;
    await write(
      disqusPost({
        id: String(i),
        thread: `t${thread}`,
        parent,
        message: `<p>${i}: ${text}<a href="https://example.com/${i}">link</a> &amp; more ${text.slice(0, 60)}</p>`,
        createdAt: new Date(Date.UTC(2012, 0, 1) + i * 60_000).toISOString(),
        name: `Reader ${i % 997}`,
        username: i % 5 ? `reader${i % 997}` : undefined,
        email: `r${i % 997}@example.com`,
      }),
    );
  }
  await write('</disqus>\n');
  await new Promise<void>((resolve) => out.end(resolve));
}

function storePeakRss(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

async function runOnce(n: number, keep: boolean, given: string | null): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-import-'));
  const file = given ?? path.join(dir, 'disqus.xml');
  if (!given) await generate(file, n);
  if (keep) console.error(`  file kept: ${file}`);
  const bytes = fs.statSync(file).size;
  const store = process.env.MONGODB_URI ? null : await startEmbeddedStore({ dataDir: path.join(dir, 'store'), port: 0 });
  const conn = await connectMongo({ uri: process.env.MONGODB_URI ?? `${store!.uri}parley_bench_import` });
  try {
    // The indexes the server makes (services.ts): on the embedded store only the unique ones
    // through the driver, the rest as the store's GIN indexes; every index on MongoDB.
    const policy = store ? 'unique' : 'all';
    await new CommentsRepository(conn).init(policy);
    await new PagesRepository(conn).init(policy);
    if (store) await ensureStoreIndexes(store.postgres.url, 'parley_bench_import');
    const service = new ImportService({ writer: new ImportWriter(conn), maxDepthOf: () => Promise.resolve(3) });
    const started = process.hrtime.bigint();
    let lastTenth = -1;
    const report = await service.run({
      siteId: 'bench',
      format: 'disqus',
      open: () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
      totalBytes: bytes,
      onProgress: (p) => {
        if (Math.floor(p.percent / 10) > lastTenth) {
          lastTenth = Math.floor(p.percent / 10);
          process.stderr.write(
            `  ${p.percent}% ${p.phase} ${p.imported} written at ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s\n`,
          );
        }
      },
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (report.failed || report.comments.imported !== n)
      throw new Error(`bench import incomplete: ${JSON.stringify(report.comments)}`);
    const rss = process.resourceUsage().maxRSS / 1024;
    const storeRss = store ? storePeakRss(store.pid) : null;
    console.log(
      `| ${n.toLocaleString('en')} | ${(bytes / 2 ** 20).toFixed(0)} MiB | ${seconds.toFixed(1)} s | ${Math.round(n / seconds).toLocaleString('en')} | ${rss.toFixed(0)} MiB | ${storeRss === null ? 'n/a' : `${storeRss.toFixed(0)} MiB`} |`,
    );
  } finally {
    await conn.close();
    await store?.stop({ immediate: true });
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const out = process.argv.indexOf('--generate');
  if (out > 0) {
    // Only writes the file (for the CLI: `npm run parley -- import --format disqus F`).
    const file = path.resolve(process.argv[out + 1]!);
    await generate(file, sizes(process.argv.slice(2))[0]!);
    console.log(`${file}: ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
    return;
  }
  // As the CLI's import does (the figure measured is the importing process's peak RSS).
  boundImportHeap();
  const keep = process.argv.includes('--keep-file');
  // A file generated earlier (with --keep-file) for the same --size: skips generating a large one again.
  const at = process.argv.indexOf('--file');
  const given = at > 0 ? path.resolve(process.argv[at + 1]!) : null;
  console.log('| comments | file | time | comments/s | peak RSS (import) | peak RSS (store) |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const n of sizes(process.argv.slice(2))) await runOnce(n, keep, given);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
