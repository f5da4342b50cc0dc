import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../../server/src/infra/embedded-store';
import { SECRETS_KEY, postComment, signToken, startNode } from '../helpers/harness';
import { runParley, spawnServer, waitReady } from '../helpers/processes';

/** Runs `parley …` as a child process, the way `npm run parley --` does (tsx), with only the env given. */
const parley = (args: string[], env: Record<string, string>) => runParley(args, env);

// Each run starts a Node process with tsx (1-2 s on a busy machine), so these tests need more than the default 5 s.
jest.setTimeout(60_000);

const SECRET_LINE = /^ {2}([A-Za-z0-9_-]{43})$/m;

describe('the parley CLI', () => {
  let tmp: string;
  let store: EmbeddedStore;
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
    store = await startEmbeddedStore({ dataDir: tmp });
    env = { MONGODB_URI: `${store.uri}parley`, SECRETS_KEY };
  });
  afterAll(async () => {
    await store.stop({ immediate: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('when a site is created and its secret rotated, then each secret is printed once and only the newest verifies tokens', async () => {
    const created = await parley(
      [
        'site',
        'create',
        '--id',
        'news',
        '--name',
        'Daily News',
        '--origin',
        'https://news.example.com',
        '--guests',
        '--moderation',
        'pre',
      ],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created site "news"');
    expect(created.stdout).toMatch(/origins:\s+https:\/\/news\.example\.com/);
    expect(created.stdout).toMatch(/guests:\s+allowed/);
    expect(created.stdout).toMatch(/moderation:\s+pre/);
    expect(created.stdout).toMatch(/STORE IT NOW.*shown only this once/);
    const first = SECRET_LINE.exec(created.stdout)![1]!;

    const rotated = await parley(['site', 'rotate-secret', 'news'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/New secret of site "news"/);
    const second = SECRET_LINE.exec(rotated.stdout)![1]!;
    expect(second).not.toBe(first);

    for (const args of [
      ['site', 'list'],
      ['site', 'show', 'news'],
      ['site', 'list', '--json'],
    ]) {
      const shown = await parley(args, env);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('news');
      expect(shown.stdout).not.toContain(first);
      expect(shown.stdout).not.toContain(second);
    }

    // A server on the same database and key sees the CLI's site and only its newest secret.
    const node = await startNode({ mongoUri: store.uri, dbName: 'parley', redis: 'none' });
    try {
      const site = { siteId: 'news', secret: second };
      expect((await postComment(node, site, 'cli', signToken(site), 'hello')).status).toBe(202);
      const old = await postComment(
        node,
        { siteId: 'news', secret: first },
        'cli',
        signToken({ siteId: 'news', secret: first }),
        'old',
      );
      expect(old.body.error.code).toBe('invalid_token');
      const stored = await node.mongo.db!.collection('sites').findOne({ siteId: 'news' });
      expect(JSON.stringify(stored)).not.toContain(second);
    } finally {
      await node.close();
    }
  });

  test('when a site is updated and deleted from the shell, then the changes land and delete asks for --yes', async () => {
    await parley(['site', 'create', '--id', 'blog', '--name', 'Blog'], env);
    const updated = await parley(
      ['site', 'update', 'blog', '--add-origin', 'https://blog.example.org', '--limit', 'postsPerMinutePerUser=2', '--json'],
      env,
    );
    expect(updated.code).toBe(0);
    const { site } = JSON.parse(updated.stdout) as { site: { origins: string[]; limits: Record<string, number> } };
    expect(site.origins).toEqual(['https://blog.example.org']);
    expect(site.limits).toMatchObject({ postsPerMinutePerUser: 2, postsPerMinutePerIp: 30 });
    const refused = await parley(['site', 'delete', 'blog'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect((await parley(['site', 'delete', 'blog', '--yes'], env)).code).toBe(0);
    const gone = await parley(['site', 'show', 'blog'], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('site not found');
  });

  test('when input is wrong, then the CLI exits non-zero with a clear message', async () => {
    const dup = await parley(['site', 'create', '--id', 'dup', '--name', 'Dup'], env);
    expect(dup.code).toBe(0);
    const again = await parley(['site', 'create', '--id', 'dup', '--name', 'Dup'], env);
    expect([again.code, again.stderr.trim()]).toEqual([1, 'parley: site "dup" already exists']);
    const bad = await parley(['site', 'create', '--id', 'Bad Id'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('siteId');
    const missing = await parley(['site', 'create', '--name', 'x'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--id <siteId>'");
  });

  test('when --help is asked of every command, then each prints its usage', async () => {
    const commands = [
      [],
      ['site'],
      ['site', 'create'],
      ['site', 'list'],
      ['site', 'show'],
      ['site', 'update'],
      ['site', 'rotate-secret'],
      ['site', 'delete'],
    ];
    const runs = await Promise.all(commands.map((c) => parley([...c, '--help'], {})));
    runs.forEach((run, i) => {
      expect([commands[i], run.code]).toEqual([commands[i], 0]);
      expect(run.stdout).toContain(`Usage: parley ${commands[i]!.join(' ')}`.trim());
    });
    expect(runs[2]!.stdout).toContain('--moderation <mode>');
  });

  test('when no MONGODB_URI is set, then the CLI starts the embedded store in DATA_DIR with the development key file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-data-'));
    try {
      const created = await parley(['site', 'create', '--id', 'local', '--name', 'Local'], { DATA_DIR: dataDir });
      expect(created.code).toBe(0);
      const keyFile = path.join(dataDir, 'secrets.key');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const listed = await parley(['site', 'list'], { DATA_DIR: dataDir });
      expect(listed.stdout).toMatch(/^local\s+Local/m);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('when a server already runs on DATA_DIR, then the CLI works through its store (one PostgreSQL per data directory) and leaves it running', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-live-'));
    const port = await freePort();
    const server = spawnServer({ PORT: String(port), DATA_DIR: dataDir, REDIS_URL: process.env.TEST_REDIS_URL! });
    try {
      await waitReady(`http://127.0.0.1:${port}/readyz`, 40_000);
      const created = await parley(['site', 'create', '--id', 'alongside', '--name', 'Alongside'], { DATA_DIR: dataDir });
      expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      const listed = await parley(['site', 'list'], { DATA_DIR: dataDir });
      expect(listed.stdout).toMatch(/^alongside\s+Alongside/m);
      expect(listed.stdout).toMatch(/^demo\s/m);
      // The server's store is still the one answering, and the server saw the CLI's write.
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/sites/alongside/settings`);
      expect(res.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
