import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/src/infra/embedded-store';
import { pidsMatching, spawnServer, waitReady, type ServerProcess } from '../helpers/processes';

const PAGE = `/2024/startup-check-${Date.now()}`;
const marker = Math.random().toString(36).slice(2);

async function devToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return ((await res.json()) as { token: string }).token;
}

async function stop(server: ServerProcess): Promise<{ code: number | null }> {
  server.child.kill('SIGTERM');
  return server.exited;
}

describe('starting the server as the README does', () => {
  let dataDir: string;
  const running: ServerProcess[] = [];
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-startup-'));
  });
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('when PORT is invalid, then the server exits non-zero with a one-line message', async () => {
    const server = spawnServer({ PORT: 'not-a-port', DATA_DIR: dataDir });
    running.push(server);
    const { code } = await server.exited;
    expect(code).not.toBe(0);
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PORT/);
  });

  test('when started on the embedded store, then it is ready within 20 s (10 s once initialised), keeps comments across a restart and leaves no child behind', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), DATA_DIR: dataDir, REDIS_URL: process.env.TEST_REDIS_URL! };

    const first = spawnServer(env);
    running.push(first);
    // The first start also initialises the embedded PostgreSQL (about a second on an idle machine).
    expect(await waitReady(`${base}/readyz`, 20_000)).toBeLessThan(20_000);
    const token = await devToken(base);
    const posted = await fetch(`${base}/api/v1/sites/demo/pages/${encodeURIComponent(PAGE)}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ body: `Written before the restart (${marker})` }),
    });
    expect(posted.status).toBe(201);
    const { comment } = (await posted.json()) as { comment: { id: string } };
    expect(pidsMatching(dataDir).length).toBeGreaterThan(0);
    expect((await stop(first)).code).toBe(0);
    expect(pidsMatching(dataDir)).toEqual([]);

    const second = spawnServer(env);
    running.push(second);
    expect(await waitReady(`${base}/readyz`, 10_000)).toBeLessThan(10_000);
    const listed = (await (await fetch(`${base}/api/v1/sites/demo/pages/${encodeURIComponent(PAGE)}/comments`)).json()) as {
      comments: { id: string; body: string }[];
    };
    expect(listed.comments.map((c) => c.id)).toEqual([comment.id]);
    expect(listed.comments[0]!.body).toBe(`Written before the restart (${marker})`);
    expect((await stop(second)).code).toBe(0);
    expect(pidsMatching(dataDir)).toEqual([]);
  });
});
