import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/src/config';

describe('loadConfig', () => {
  test('when the environment is empty, then the SPEC defaults apply (development, port 3000, embedded store, ./data)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      nodeEnv: 'development',
      dev: true,
      port: 3000,
      mongodbUri: null,
      redisUrl: null,
      adminApiKey: null,
      trustProxy: false,
      logLevel: 'info',
    });
    expect(c.dataDir).toBe(path.resolve('./data'));
  });

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['MONGODB_URI', 'http://example.com'],
    ['REDIS_URL', 'localhost:6379'],
    ['ADMIN_API_KEY', 'short'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['PUBLIC_URL', 'not a url'],
    ['SECRETS_KEY', 'too-short'],
    ['REDIS_SENTINELS', 'sentinel-a'],
    ['REDIS_SENTINELS', 'a:26379,b'],
    ['REDIS_SENTINELS', 'a:99999'],
    ['REDIS_SENTINEL_NAME', 'my master'],
    ['READER_BACKLOG_MAX_BYTES', '100'],
    ['READER_BACKLOG_MAX_FRAMES', 'many'],
  ])('when %s is %p, then loading fails with one line naming it', (key, value) => {
    let error: unknown;
    try {
      loadConfig({ [key]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(key);
    expect(message).not.toContain('\n');
  });

  test('when NODE_ENV is production without SECRETS_KEY, then loading fails and says how to make one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRETS_KEY is required in production/);
  });

  test.each([
    ['true', true],
    ['false', false],
    ['', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('when TRUST_PROXY is %p, then Express gets %p', (raw, expected) => {
    expect(loadConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  test('when REDIS_SENTINELS and REDIS_SENTINEL_NAME are set, then Redis is found through those sentinels', () => {
    const c = loadConfig({ REDIS_SENTINELS: 's1:26379, 10.0.0.2:26380', REDIS_SENTINEL_NAME: 'parley-main' });
    expect(c.redisSentinels).toEqual([
      { host: 's1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
    ]);
    expect(c.redisSentinelName).toBe('parley-main');
    expect(loadConfig({}).redisSentinels).toBeNull();
    expect(loadConfig({}).redisSentinelName).toBe('mymaster');
  });

  test('when the reader backlog limits are unset or set, then the defaults or the given values apply', () => {
    expect(loadConfig({}).readerBacklog).toEqual({ maxBytes: 512 * 1024, maxFrames: 1000 });
    expect(loadConfig({ READER_BACKLOG_MAX_BYTES: '65536', READER_BACKLOG_MAX_FRAMES: '50' }).readerBacklog).toEqual({
      maxBytes: 65536,
      maxFrames: 50,
    });
  });

  test('when every variable is set, then each one is used', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      MONGODB_URI: 'mongodb://db:27017/parley',
      REDIS_URL: 'redis://cache:6379',
      ADMIN_API_KEY: 'a'.repeat(20),
      SECRETS_KEY: 'k'.repeat(40),
      PUBLIC_URL: 'https://comments.example.com',
      LOG_LEVEL: 'warn',
      DATA_DIR: '/var/lib/parley',
    });
    expect(c).toMatchObject({
      dev: false,
      port: 8080,
      mongodbUri: 'mongodb://db:27017/parley',
      redisUrl: 'redis://cache:6379',
      adminApiKey: 'a'.repeat(20),
      secretsKey: 'k'.repeat(40),
      publicUrl: 'https://comments.example.com',
      logLevel: 'warn',
      dataDir: '/var/lib/parley',
    });
  });
});
