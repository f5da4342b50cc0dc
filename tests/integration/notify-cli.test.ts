import { execFile } from 'node:child_process';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { REPO_ROOT } from '../../server/src/paths';
import { QUEUE_NAMES } from '../../server/src/modules/notifications/queues';
import { SECRETS_KEY, createSite, postComment, signToken, startNode, uniqueId, until, type TestNode } from '../helpers/harness';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';

// Each run starts a Node process with tsx (1-2 s on a busy machine).
jest.setTimeout(90_000);

function parley(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'server/src/cli/parley.ts'), ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the parley CLI for webhooks and dead letters', () => {
  let node: TestNode;
  let receiver: Receiver;
  let env: Record<string, string>;
  beforeAll(async () => {
    const dbName = uniqueId('cli_hooks').replace(/-/g, '_');
    [node, receiver] = await Promise.all([startNode({ dbName }), startReceiver()]);
    const uri = new URL(process.env.TEST_MONGODB_URI!);
    uri.pathname = `/${dbName}`;
    env = { MONGODB_URI: uri.toString(), SECRETS_KEY };
  });
  afterAll(async () => {
    await node?.close();
    await receiver?.close();
  });

  test('when a webhook is registered with the CLI, then the server delivers to it and the CLI shows the delivery', async () => {
    const site = await createSite(node);
    const created = await parley(['webhook', 'create', site.siteId, receiver.url, '--events', 'comment.created'], env);
    expect(created.code).toBe(0);
    const { webhook, secret } = JSON.parse(created.stdout) as { webhook: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const listed = await parley(['webhook', 'list', site.siteId], env);
    expect(JSON.parse(listed.stdout).webhooks.map((w: { id: string }) => w.id)).toEqual([webhook.id]);
    expect(listed.stdout).not.toContain(secret);

    await postComment(node, site, '/cli-hooks', signToken(site), 'Through the CLI hook');
    await until(() => receiver.requests.length >= 1, 10_000, 'a delivery');
    const deliveries = await parley(['webhook', 'deliveries', site.siteId, webhook.id], env);
    expect(JSON.parse(deliveries.stdout).deliveries).toEqual([
      expect.objectContaining({ status: 200, ok: true, type: 'comment.created' }),
    ]);

    const bad = await parley(['webhook', 'create', site.siteId, 'ftp://x.example', '--events', 'comment.created'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('url:');
    const gone = await parley(['webhook', 'delete', site.siteId, webhook.id], env);
    expect(gone.code).toBe(0);
    expect(JSON.parse((await parley(['webhook', 'list', site.siteId], env)).stdout).webhooks).toEqual([]);
  });

  test('when site notification fields are set with the CLI, then the site has them', async () => {
    const site = await createSite(node);
    const args = [
      'site',
      'update',
      site.siteId,
      '--moderator-email',
      'Desk@News.test',
      '--language',
      'es',
      '--guest-emails',
      '--json',
    ];
    const res = await parley(args, env);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).site).toMatchObject({ moderatorEmails: ['desk@news.test'], language: 'es', guestEmails: true });
    const off = await parley(['site', 'update', site.siteId, '--no-moderator-emails', '--no-guest-emails', '--json'], env);
    expect(JSON.parse(off.stdout).site).toMatchObject({ moderatorEmails: [], language: 'es', guestEmails: false });
  });

  describe('notifications failed', () => {
    let redis: PrivateRedis;
    beforeAll(async () => {
      redis = await startPrivateRedis();
    });
    afterAll(async () => redis?.stop());

    test('when a mail job used up its attempts, then the CLI lists it as a dead letter', async () => {
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      const workerConn = conn.duplicate();
      const queue = new Queue(QUEUE_NAMES.mail, { connection: conn, prefix: 'parley:bull' });
      const worker = new Worker(
        QUEUE_NAMES.mail,
        async () => {
          throw new Error('550 mailbox unavailable');
        },
        { connection: workerConn, prefix: 'parley:bull' },
      );
      try {
        await queue.add('reply', { kind: 'reply', siteId: 'news', reader: 'r', stream: 's' }, { jobId: 'r.x.1', attempts: 1 });
        await until(async () => (await queue.getFailedCount()) === 1, 10_000, 'a failed job');
        const res = await parley(['notifications', 'failed'], { ...env, REDIS_URL: redis.url });
        expect(res.code).toBe(0);
        const out = JSON.parse(res.stdout) as Record<string, { id: string; reason: string }[]>;
        expect(out[QUEUE_NAMES.mail]).toEqual([expect.objectContaining({ id: 'r.x.1', reason: '550 mailbox unavailable' })]);
        expect(out[QUEUE_NAMES.webhooks]).toEqual([]);
      } finally {
        await worker.close();
        await queue.close();
        conn.disconnect();
        workerConn.disconnect();
      }
    });
  });
});
