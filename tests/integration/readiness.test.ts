import request from 'supertest';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { startNode, until, type TestNode } from '../helpers/harness';

describe('readiness follows Redis', () => {
  let redis: PrivateRedis;
  let node: TestNode;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    node = await startNode({ redis: redis.url });
  });
  afterAll(async () => {
    await node.close();
    await redis.stop();
  });

  test('when the private Redis stops, then /readyz is 503 naming redis, and 200 again once it is back', async () => {
    expect((await request(node.url).get('/readyz')).status).toBe(200);
    await redis.stop();
    const down = await request(node.url).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ mongodb: 'up', redis: 'down' });
    expect(down.body.error).toEqual({ code: 'unavailable', message: expect.stringContaining('redis') });
    await redis.start();
    await until(async () => (await request(node.url).get('/readyz')).status === 200, 10_000, 'readyz back to 200');
  });
});
