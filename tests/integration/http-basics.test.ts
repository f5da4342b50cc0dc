import request from 'supertest';
import { createSite, signToken, startNode, stopNode, type TestNode } from '../helpers/harness';

describe('HTTP basics', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when the process is up, then /healthz answers 200', async () => {
    const res = await request(node.url).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('when the store and Redis answer, then /readyz answers 200 naming both', async () => {
    const res = await request(node.url).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ mongodb: 'up', redis: 'up' });
  });

  test('when a body is 40 KiB, then the answer is 413 payload_too_large in the SPEC error shape', async () => {
    const site = await createSite(node);
    const res = await request(node.url)
      .post(`/api/v1/sites/${site.siteId}/pages/p/comments`)
      .set('Authorization', `Bearer ${signToken(site)}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ body: 'x'.repeat(40 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });

  test('when the JSON is malformed, then the answer is 400 bad_request without a stack trace', async () => {
    const res = await request(node.url)
      .post('/api/v1/sites')
      .set('Authorization', 'Bearer x')
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  test('when a route does not exist, then the answer is 404 not_found in the SPEC error shape', async () => {
    const res = await request(node.url).get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  test('when /metrics is scraped, then it serves Prometheus text with HTTP and socket metrics', async () => {
    await request(node.url).get('/healthz');
    const res = await request(node.url).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('parley_http_request_duration_seconds');
    expect(res.text).toContain('parley_connected_sockets');
    expect(res.text).toContain('process_resident_memory_bytes');
    expect(res.text).not.toContain('parley_process_');
  });
});
