import { createHmac, timingSafeEqual } from 'node:crypto';
import request from 'supertest';
import { NOTIFY_OFF } from '../../server/src/services';
import {
  ADMIN_KEY,
  adminSocket,
  closeSockets,
  createSite,
  emitAck,
  modToken,
  postComment,
  signToken,
  startNode,
  until,
  type TestNode,
  type TestSite,
} from '../helpers/harness';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { postWebhook } from '../../server/src/modules/webhooks/webhook-delivery';

const PAGE = '/2024/webhooks';

/** How a receiver checks a delivery (the README's sample, in a test). */
function verify(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return (
    given.length === expected.length && timingSafeEqual(given, expected) && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300
  );
}

function admin(node: TestNode) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${ADMIN_KEY}`);
  return {
    post: (path: string, body: object) => auth(request(node.url).post(`/api/v1${path}`)).send(body),
    get: (path: string) => auth(request(node.url).get(`/api/v1${path}`)),
    patch: (path: string, body: object) => auth(request(node.url).patch(`/api/v1${path}`)).send(body),
    delete: (path: string) => auth(request(node.url).delete(`/api/v1${path}`)),
  };
}

describe('webhooks (real receiver, real Redis queue)', () => {
  let node: TestNode;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    node = await startNode({ notify: { config: { ...NOTIFY_OFF, webhookRetryBaseMs: 150, webhookTimeoutMs: 2000 } } });
  });
  afterEach(async () => {
    closeSockets();
    await receiver?.close();
    receiver = undefined;
  });
  afterAll(async () => node?.close());

  async function register(site: TestSite, url: string, events: string[]) {
    const res = await admin(node).post(`/sites/${site.siteId}/webhooks`, { url, events });
    expect(res.status).toBe(201);
    return res.body as { webhook: { id: string; url: string; events: string[] }; secret: string };
  }

  it('when a receiver fails twice and then answers 200, then it gets the event three times, signed, with one delivery id', async () => {
    receiver = await startReceiver((n) => (n <= 2 ? 500 : 200));
    const site = await createSite(node);
    const { webhook, secret } = await register(site, receiver.url, ['comment.created']);
    expect(secret).toMatch(/^whsec_/);
    const posted = await postComment(node, site, PAGE, signToken(site, { name: 'Dora' }), 'Hello, hooks');
    expect(posted.status).toBe(201);
    await until(() => receiver!.requests.length >= 3, 15_000, 'three attempts');
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.requests).toHaveLength(3);
    const bodies = new Set(receiver.requests.map((r) => r.body));
    expect(bodies.size).toBe(1);
    const event = JSON.parse(receiver.requests[0]!.body);
    expect(event).toMatchObject({
      type: 'comment.created',
      siteId: site.siteId,
      data: { comment: { id: posted.body.comment.id, body: 'Hello, hooks', status: 'visible', author: { name: 'Dora' } } },
    });
    expect(event.id).toMatch(/^evt_/);
    expect(new Date(event.createdAt).toISOString()).toBe(event.createdAt);
    for (const r of receiver.requests) {
      expect(verify(secret, String(r.headers['parley-signature']), r.body)).toBe(true);
      expect(verify('whsec_wrong', String(r.headers['parley-signature']), r.body)).toBe(false);
    }
    expect(new Set(receiver.requests.map((r) => r.headers['parley-delivery'])).size).toBe(1);
    expect(receiver.requests.map((r) => r.headers['parley-attempt'])).toEqual(['1', '2', '3']);

    const deliveries = await admin(node).get(`/sites/${site.siteId}/webhooks/${webhook.id}/deliveries`).expect(200);
    expect(deliveries.body.deliveries.map((d: { status: number }) => d.status)).toEqual([200, 500, 500]);
    expect(deliveries.body.deliveries[0]).toMatchObject({
      ok: true,
      attempt: 3,
      type: 'comment.created',
      eventId: event.id,
      excerpt: 'thanks',
    });
    for (const d of deliveries.body.deliveries) expect(d.excerpt.length).toBeLessThanOrEqual(256);
  });

  it('when moderators act, then the subscribed events arrive in order with their bodies', async () => {
    receiver = await startReceiver();
    const site = await createSite(node, { moderation: 'pre' });
    await register(site, receiver.url, [
      'comment.created',
      'comment.approved',
      'comment.rejected',
      'comment.flagged',
      'comment.deleted',
      'comment.updated',
      'user.banned',
      'page.locked',
    ]);
    const writerId = 'writer-1';
    const writer = signToken(site, { sub: writerId, name: 'Eli' });
    const a = await postComment(node, site, PAGE, writer, 'First, held');
    const b = await postComment(node, site, PAGE, writer, 'Second, held');
    const mod = await adminSocket(node, { siteId: site.siteId, token: modToken(site) });
    expect((await emitAck(mod, 'comment:approve', { commentId: a.body.comment.id })).ok).toBe(true);
    expect((await emitAck(mod, 'comment:reject', { commentId: b.body.comment.id })).ok).toBe(true);
    await request(node.url)
      .post(`/api/v1/comments/${a.body.comment.id}/flags`)
      .set('Authorization', `Bearer ${signToken(site)}`)
      .send({ reason: 'spam' })
      .expect(202);
    expect((await emitAck(mod, 'user:ban', { userId: writerId, reason: 'spam' })).ok).toBe(true);
    expect((await emitAck(mod, 'page:lock', { pageId: PAGE, locked: true })).ok).toBe(true);
    expect((await emitAck(mod, 'comment:delete', { commentId: a.body.comment.id })).ok).toBe(true);
    await until(() => receiver!.requests.length >= 8, 15_000, 'eight events');
    const events = receiver.requests.map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.type)).toEqual([
      'comment.created',
      'comment.created',
      'comment.approved',
      'comment.rejected',
      'comment.flagged',
      'user.banned',
      'page.locked',
      'comment.deleted',
    ]);
    expect(events[0].data.comment.status).toBe('pending');
    expect(events[2].data.comment.status).toBe('visible');
    expect(events[4].data.flag).toMatchObject({ reason: 'spam', flagCount: 1 });
    expect(events[5].data.user).toEqual({ id: writerId, until: null, reason: 'spam' });
    expect(events[6].data.page).toEqual({ pageId: PAGE, locked: true });
    expect(events[7].data.comment).toMatchObject({ status: 'deleted', body: '' });
  });

  it('when a webhook is listed, changed and deleted, then the secret never shows again and events follow the change', async () => {
    receiver = await startReceiver();
    const site = await createSite(node);
    const { webhook } = await register(site, receiver.url, ['page.locked']);
    const list = await admin(node).get(`/sites/${site.siteId}/webhooks`).expect(200);
    expect(list.body.webhooks).toEqual([
      expect.objectContaining({ id: webhook.id, url: receiver.url, events: ['page.locked'], active: true }),
    ]);
    expect(JSON.stringify(list.body)).not.toMatch(/whsec_|secret/);
    const one = await admin(node).get(`/sites/${site.siteId}/webhooks/${webhook.id}`).expect(200);
    expect(one.body.webhook).not.toHaveProperty('secret');
    const changed = await admin(node)
      .patch(`/sites/${site.siteId}/webhooks/${webhook.id}`, { events: ['comment.created'] })
      .expect(200);
    expect(changed.body.webhook.events).toEqual(['comment.created']);
    await postComment(node, site, PAGE, signToken(site), 'After the change');
    await until(() => receiver!.requests.length >= 1, 10_000, 'one event');
    expect(JSON.parse(receiver.requests[0]!.body).type).toBe('comment.created');
    await admin(node).delete(`/sites/${site.siteId}/webhooks/${webhook.id}`).expect(204);
    await admin(node).get(`/sites/${site.siteId}/webhooks/${webhook.id}`).expect(404);
  });

  it('when the input is bad, then the routes answer 4xx with the error shape', async () => {
    const site = await createSite(node);
    const api = admin(node);
    const cases: [request.Test, number, string][] = [
      [
        api.post(`/sites/${site.siteId}/webhooks`, { url: 'ftp://example.com/x', events: ['comment.created'] }),
        400,
        'bad_request',
      ],
      [
        api.post(`/sites/${site.siteId}/webhooks`, { url: 'https://example.com/x', events: ['comment.exploded'] }),
        400,
        'bad_request',
      ],
      [api.post(`/sites/${site.siteId}/webhooks`, { url: 'https://example.com/x', events: [] }), 400, 'bad_request'],
      [api.post(`/sites/${site.siteId}/webhooks`, { url: 42, events: ['comment.created'] }), 400, 'bad_request'],
      [
        api.post(`/sites/nope-${Date.now()}/webhooks`, { url: 'https://example.com/x', events: ['comment.created'] }),
        404,
        'not_found',
      ],
      [api.get(`/sites/${site.siteId}/webhooks/not-an-id`), 400, 'bad_request'],
      [api.get(`/sites/${site.siteId}/webhooks/0123456789abcdef01234567`), 404, 'not_found'],
      [api.patch(`/sites/${site.siteId}/webhooks/0123456789abcdef01234567`, { active: 'yes' }), 400, 'bad_request'],
      [
        request(node.url)
          .post(`/api/v1/sites/${site.siteId}/webhooks`)
          .send({ url: 'https://example.com/x', events: ['comment.created'] }),
        401,
        'invalid_token',
      ],
      [
        request(node.url).get(`/api/v1/sites/${site.siteId}/webhooks`).set('Authorization', 'Bearer wrong-key-0123456789'),
        403,
        'forbidden',
      ],
    ];
    for (const [req, status, code] of cases) {
      const res = await req;
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      expect(typeof res.body.error.message).toBe('string');
    }
  });
});

describe('webhooks in production mode (SSRF guard)', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode({ notify: { blockPrivateTargets: true } });
  });
  afterAll(async () => node?.close());

  it('when a target is on loopback or a private range, then registration is refused', async () => {
    const site = await createSite(node);
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost:9/x',
      'http://10.1.2.3/x',
      'http://[::1]:9/x',
      'http://169.254.169.254/latest',
      'http://192.168.0.10/x',
    ]) {
      const res = await admin(node).post(`/sites/${site.siteId}/webhooks`, { url, events: ['comment.created'] });
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({ url, status: 422, code: 'bad_request' });
    }
    const list = await admin(node).get(`/sites/${site.siteId}/webhooks`).expect(200);
    expect(list.body.webhooks).toEqual([]);
  });
});

describe('webhooks without Redis', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode({ redis: 'none' });
  });
  afterAll(async () => node?.close());

  it('when the node runs on the in-process fallback, then registration answers 503 unavailable', async () => {
    const site = await createSite(node);
    const res = await admin(node).post(`/sites/${site.siteId}/webhooks`, {
      url: 'https://example.com/hook',
      events: ['comment.created'],
    });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
  });
});

describe('webhook delivery guard (DNS rebinding)', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver?.close());

  it('when a target resolves to a private address at delivery time, then no request leaves and the attempt fails', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [`http://localhost:${port}/x`, `http://127.0.0.1:${port}/x`]) {
      const result = await postWebhook(url, '{}', { timeoutMs: 2000, blockPrivate: true, headers: {} });
      expect(result).toMatchObject({ ok: false, status: null });
      expect(result.excerpt).toMatch(/refused/);
    }
    expect(receiver.requests).toHaveLength(0);
    // The same targets go through when private targets are allowed (so the refusal above is the guard's doing).
    const allowed = await postWebhook(`http://localhost:${port}/x`, '{}', { timeoutMs: 2000, blockPrivate: false, headers: {} });
    expect(allowed).toMatchObject({ ok: true, status: 200 });
    expect(receiver.requests).toHaveLength(1);
  });
});
