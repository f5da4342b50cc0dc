import request from 'supertest';
import { ADMIN_KEY, signToken, uniqueId, until, type TestSite } from '../helpers/harness';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { spawnNode, type NodeProcess } from '../faults/helpers/node-process';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';

jest.setTimeout(120_000);
const GATHER_MS = 4000;
const PAGE = '/2024/node-loss';

describe('durable queue: a node killed with jobs queued', () => {
  let redis: PrivateRedis;
  let smtp: TestSmtp;
  let receiver: Receiver;
  let healthy = false;
  const nodes: NodeProcess[] = [];
  beforeAll(async () => {
    [redis, smtp, receiver] = await Promise.all([
      startPrivateRedis(),
      startSmtp(),
      startReceiver(
        () => (healthy ? 200 : 503),
        // The second delivery hangs: the node dies with it in hand (an active, locked job).
        (n) => (n === 2 ? 8000 : 0),
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all([redis?.stop(), smtp?.stop(), receiver?.close()]);
  });

  function spawn(): Promise<NodeProcess> {
    return spawnNode({
      storeUri: process.env.TEST_MONGODB_URI!,
      dbName: `parley_notify_loss_w${process.env.JEST_WORKER_ID ?? '0'}`,
      redisUrl: redis.url,
      env: {
        SMTP_URL: smtp.url,
        NOTIFY_GATHER_MS: String(GATHER_MS),
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_BASE_MS: '300',
      },
    });
  }

  it('when the node dies with a mail waiting, a delivery retrying and one in hand, then another node delivers all of them, the mail once', async () => {
    const first = await spawn();
    nodes.push(first);
    const admin = (path: string, body: object) =>
      request(first.url).post(`/api/v1${path}`).set('Authorization', `Bearer ${ADMIN_KEY}`).send(body);
    const created = await admin('/sites', { siteId: uniqueId('loss'), name: 'Node loss', origins: ['https://news.example'] });
    expect(created.status).toBe(201);
    const site: TestSite = { siteId: created.body.site.siteId, secret: created.body.secret };
    expect((await admin(`/sites/${site.siteId}/webhooks`, { url: receiver.url, events: ['comment.created'] })).status).toBe(201);

    const email = `${uniqueId('ana')}@mail.test`;
    const post = (token: string, body: object) =>
      request(first.url)
        .post(`/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(PAGE)}/comments`)
        .set('Authorization', `Bearer ${token}`)
        .send(body);
    const parent = await post(signToken(site, { sub: 'ana', name: 'Ana', email }), { body: 'Parent', notifyReplies: true });
    expect(parent.status).toBe(201);
    const reply = await post(signToken(site, { sub: 'bo', name: 'Bo' }), {
      body: 'Reply before the crash',
      parentId: parent.body.comment.id,
    });
    expect(reply.status).toBe(201);
    // The receiver refused the first delivery (queued for retry) and holds the second (in the node's hands);
    // the mail waits for its gather window. Then the node dies.
    await until(() => receiver.requests.length >= 2, 10_000, 'first webhook attempts');
    first.kill('SIGKILL');
    await first.exited;
    expect(smtp.to(email)).toHaveLength(0);

    healthy = true;
    const second = await spawn();
    nodes.push(second);
    const [mail] = await smtp.waitFor(email, 1, 30_000);
    expect(mail!.text).toContain('Reply before the crash');
    const delivered = () =>
      new Set(receiver.requests.filter((r) => r.status === 200).map((r) => JSON.parse(r.body).data.comment.id));
    await until(
      () => [parent.body.comment.id, reply.body.comment.id].every((id) => delivered().has(id)),
      // A delivery the dead node had in hand waits for its lock to lapse (10 s) and the stalled check (5 s).
      45_000,
      'both events delivered',
    );
    await new Promise((r) => setTimeout(r, GATHER_MS + 1000));
    expect(smtp.to(email)).toHaveLength(1);
  });
});
