import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/src/infra/embedded-store';
import { REPO_ROOT } from '../../server/src/paths';
import { SECRETS_KEY, createSite, startNode, until, type TestNode, workerDbName } from '../helpers/harness';
import { disqusExport, type DisqusPost } from '../helpers/import-fixtures';
import { listAll, storedCount } from '../helpers/import-run';
import { PARLEY_CLI, runParley } from '../helpers/processes';

const parley = (args: string[], env: Record<string, string>) =>
  runParley(args, env, { timeoutMs: 120_000, maxBuffer: 64 * 1024 * 1024 });

/** A Disqus file of `n` comments on 20 pages; every fifth comment replies to the one before it. */
function generated(n: number): string {
  const posts: DisqusPost[] = [];
  for (let i = 1; i <= n; i++)
    posts.push({
      id: String(i),
      thread: String(i % 20),
      parent: i % 5 === 0 ? String(i - 20) : undefined,
      message: `<p>comment ${i}</p>`,
      createdAt: new Date(Date.UTC(2017, 0, 1) + i * 1000).toISOString(),
      username: `u${i % 50}`,
      name: `User ${i % 50}`,
    });
  return disqusExport(
    Array.from({ length: 20 }, (_v, t) => ({ id: String(t), link: `https://site.example.com/p/${t}` })),
    posts,
  );
}

jest.setTimeout(180_000);

describe('parley import and export on the command line', () => {
  let tmp: string;
  let node: TestNode;
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-import-cli-'));
    // A database of its own, dropped afterwards: the embedded store scans whole collections, so
    // thousands of imported comments left in the worker's database would slow every later test file.
    node = await startNode({ dbName: `${workerDbName()}_import_cli` });
    env = { MONGODB_URI: `${process.env.TEST_MONGODB_URI}${node.mongo.name}`, SECRETS_KEY };
  });
  afterAll(async () => {
    await node.mongo.dropDatabase();
    await node.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('when an import is killed halfway and run again, then it finishes with exactly the full set and exact counters', async () => {
    const site = await createSite(node);
    const file = path.join(tmp, 'big.xml');
    fs.writeFileSync(file, generated(6000));
    const child = spawn(process.execPath, [...PARLEY_CLI, 'import', '--site', site.siteId, '--format', 'disqus', file], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', ...env },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until(async () => (await storedCount(node, site.siteId)) >= 500, 60_000, 'the first batches');
    child.kill('SIGKILL');
    await exited;
    const partial = await storedCount(node, site.siteId);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(6000);

    const rerun = await parley(['import', '--site', site.siteId, '--format', 'disqus', file, '--json'], env);
    expect(rerun.code).toBe(0);
    const report = JSON.parse(rerun.stdout) as { comments: { imported: number; alreadyPresent: number } };
    expect(report.comments.imported + report.comments.alreadyPresent).toBe(6000);
    expect(report.comments.alreadyPresent).toBeGreaterThanOrEqual(partial);
    expect(await storedCount(node, site.siteId)).toBe(6000);
    // 300 comments per page; the listing total, and each parent's replyCount, match what is stored.
    const page = await listAll(node, site, '/p/5');
    expect(page.total).toBe(300);
    const parent = page.comments.find((c) => c.replyCount > 0)!;
    expect((await listAll(node, site, '/p/5', { parentId: parent.id })).comments).toHaveLength(parent.replyCount);
    const again = await parley(['import', '--site', site.siteId, '--format', 'disqus', file, '--json'], env);
    expect(JSON.parse(again.stdout).comments).toMatchObject({ imported: 0, alreadyPresent: 6000 });
  });

  test('when run with --dry-run, then it prints the report and writes nothing; without a TTY, progress is a line per 10 %', async () => {
    const site = await createSite(node);
    const file = path.join(tmp, 'small.xml');
    fs.writeFileSync(file, generated(300));
    const run = await parley(['import', '--site', site.siteId, '--format', 'disqus', file, '--dry-run'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dry run \(nothing written\) from disqus/);
    expect(run.stdout).toMatch(/comments: {2}300 seen, 300 to import, 0 already present/);
    expect(await storedCount(node, site.siteId)).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('import '));
    const percents = lines.map((l) => Number(/^import (\d+)%/.exec(l)![1]));
    expect(percents.length).toBeGreaterThanOrEqual(2);
    expect(percents.every((p, i) => p % 10 === 0 && (i === 0 || p > percents[i - 1]!))).toBe(true);
    expect(lines.at(-1)).toMatch(/^import 100%: done \| threads 20 \| comments 300/);
  });

  test('when the file is not XML, then the command fails with the position', async () => {
    const site = await createSite(node);
    const file = path.join(tmp, 'bad.xml');
    fs.writeFileSync(file, '<disqus><post dsq:id="1"></disqus>');
    const run = await parley(['import', '--site', site.siteId, '--format', 'disqus', file], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/parley: .*line 1, column \d+/);
    expect(run.stdout).toMatch(/STOPPED/);
  });

  test('when a site is exported to a file, then it is NDJSON with every comment', async () => {
    const site = await createSite(node);
    const file = path.join(tmp, 'small2.xml');
    fs.writeFileSync(file, generated(40));
    expect((await parley(['import', '--site', site.siteId, '--format', 'disqus', file], env)).code).toBe(0);
    const out = path.join(tmp, 'export.ndjson');
    const run = await parley(['export', '--site', site.siteId, '--out', out], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Exported 40 comments/);
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === 'comment')).toHaveLength(40);
  });

  describe('while a server runs on the same embedded store', () => {
    let dataDir: string;
    let store: EmbeddedStore;
    let server: TestNode;
    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-import-shared-'));
      store = await startEmbeddedStore({ dataDir });
      server = await startNode({ mongoUri: store.uri, dbName: 'parley', redis: 'none' });
    });
    afterAll(async () => {
      await server.close();
      await store.stop({ immediate: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test('when the CLI imports into DATA_DIR, then the running server lists the comments', async () => {
      const site = await createSite(server);
      const file = path.join(tmp, 'shared.xml');
      fs.writeFileSync(file, generated(100));
      const run = await parley(['import', '--site', site.siteId, '--format', 'disqus', file], { DATA_DIR: dataDir, SECRETS_KEY });
      expect(run.stderr).not.toMatch(/parley:/);
      expect(run.code).toBe(0);
      expect((await listAll(server, site, '/p/3')).total).toBe(5);
    });
  });
});
