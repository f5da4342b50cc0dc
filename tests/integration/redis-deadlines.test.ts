import { Redis } from 'ioredis';
import { failFastWhenStalled, REDIS_COMMAND_TIMEOUT_MS, REDIS_OPTIONS } from '../../server/src/infra/redis';
import { announcedInStream } from '../../server/src/realtime/announcements';
import { uniqueId, until } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';

describe('Redis deadlines and the announcement lookup (private Redis)', () => {
  let redis: PrivateRedis;
  let client: Redis;
  const changes: boolean[] = [];
  beforeAll(async () => {
    redis = await startPrivateRedis();
    client = failFastWhenStalled(new Redis(redis.url, REDIS_OPTIONS), (stalled) => changes.push(stalled));
    client.on('error', () => undefined);
    await client.ping();
  });
  afterEach(() => {
    const pid = redis.pid();
    if (pid) process.kill(pid, 'SIGCONT');
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  test('when Redis freezes, then a command fails at its deadline, the next ones fail at once, and after SIGCONT commands answer again', async () => {
    process.kill(redis.pid()!, 'SIGSTOP');
    const first = Date.now();
    await expect(client.get('k')).rejects.toThrow('Command timed out');
    expect(Date.now() - first).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 300);
    const second = Date.now();
    await expect(client.get('k')).rejects.toThrow(/not answering/);
    expect(Date.now() - second).toBeLessThan(50);
    expect(changes).toEqual([true]);

    process.kill(redis.pid()!, 'SIGCONT');
    await until(() => changes.length === 2, 5000, 'the probe to see Redis answer');
    expect(changes).toEqual([true, false]);
    expect(await client.set('k', 'v')).toBe('OK');
  });

  test('when a comment id is in the stream since a time, then the lookup finds it; otherwise it says no; with Redis unable to answer it cannot tell', async () => {
    const stream = `${uniqueId('ann')}:socket.io`;
    const since = Date.now() - 1000;
    const data = (id: string, event = 'comment:created') =>
      JSON.stringify({ packet: { type: 2, data: [event, { comment: { id } }], nsp: '/' }, opts: { rooms: ['p'] } });
    // Enough unrelated entries to make the lookup page through the stream.
    for (let i = 0; i < 1200; i++)
      await client.xadd(stream, '*', 'uid', 'n1', 'nsp', '/', 'type', '3', 'data', data(`other-${i}`));
    await client.xadd(stream, '*', 'uid', 'n1', 'nsp', '/', 'type', '3', 'data', data('c-updated', 'comment:updated'));
    await client.xadd(stream, '*', 'uid', 'n1', 'nsp', '/', 'type', '3', 'data', data('c-wanted'));

    expect(await announcedInStream(client, stream, 'c-wanted', since)).toBe(true);
    expect(await announcedInStream(client, stream, 'c-updated', since)).toBe(false);
    expect(await announcedInStream(client, stream, 'c-missing', since)).toBe(false);
    expect(await announcedInStream(client, stream, 'c-wanted', Date.now() + 60_000)).toBe(false);

    process.kill(redis.pid()!, 'SIGSTOP');
    expect(await announcedInStream(client, stream, 'c-wanted', since)).toBeNull();
  });
});
