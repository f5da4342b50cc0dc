import { createApp, type App, type AppDeps } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { EmbeddedStoreError } from './infra/embedded-store';
import { openStore } from './infra/open-store';
import { resolveRedis } from './infra/redis';
import { resolveSecretsKey } from './infra/secrets-key';
import { chooseLogFormat, createLogger, type Logger } from './logger';
import { DEMO_SITE_ID, ensureDemoSite } from './modules/demo/demo-site';

/** The server's database: patient at start with an external one, and it stops if its own embedded store dies. */
function openServerStore(config: Config, logger: Logger) {
  if (config.mongodbUri) logger.info('connecting to MongoDB at MONGODB_URI');
  return openStore({
    config,
    port: config.storePort,
    progress: (line) => console.log(line),
    // Patient at start (the database may come up after us), fast afterwards: an
    // operation waits at most 3 s for the database, so outages answer 503 within 5 s.
    external: { startupTimeoutMs: 30_000 },
    // Our own child store died: exit so the supervisor restarts both together. (An external
    // MONGODB_URI database is left to its operator: there we stay up, answer 503 and reconnect.)
    onExit: (code, signal) => {
      logger.fatal({ code, signal }, 'the embedded store exited unexpectedly; stopping');
      process.exit(1);
    },
    onOpened: ({ external, attached, uri, storePid }) => {
      if (external) return;
      const postgres = config.storePostgresUrl ? 'STORE_POSTGRESQL_URL' : 'embedded';
      logger.info(
        { uri, dataDir: config.dataDir, postgres },
        attached
          ? `connected to the embedded store already running for DATA_DIR (process ${storePid}); it stays up when this node stops`
          : 'embedded MongoDB-compatible store (FerretDB on PostgreSQL) started',
      );
    },
  });
}

/** The fault tests' crash point: die between a comment's store write and its announcement. */
function testHooks(config: Config, logger: Logger): AppDeps['hooks'] {
  const marker = config.testCrashMarker;
  if (!marker) return undefined;
  logger.warn({ marker }, 'PARLEY_TEST_CRASH_AFTER_STORE is set: this node kills itself on a matching post (tests only)');
  return {
    beforeAnnounce: (comment) => {
      if (comment.body.includes(marker)) process.kill(process.pid, 'SIGKILL');
    },
  };
}

/** Says at start what reply emails and webhooks will do, loudly when they cannot work. */
function announceNotifications(config: Config, durable: boolean, logger: Logger): void {
  if (!durable) {
    logger.warn(
      'NO REDIS: there is no durable queue, so reply emails, moderator alerts and webhook deliveries are OFF (webhook registration answers 503). Set REDIS_URL to turn them on.',
    );
    return;
  }
  if (!config.notify.smtpUrl) logger.info('reply emails and moderator alerts are off (no SMTP_URL); webhooks are on');
  else if (config.notify.smtpUrl === 'log:') logger.warn('SMTP_URL=log: mails are written to the log, not sent (development)');
  else
    logger.info({ from: config.notify.mailFrom, gatherMs: config.notify.gatherMs }, 'reply emails and moderator alerts are on');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`parley: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // Readable lines for a developer at a terminal; JSON for everything that reads logs as data.
  const logger = createLogger(config.logLevel, {}, chooseLogFormat(config.dev, process.stdout.isTTY));
  const started = Date.now();
  const { conn, store, storePostgresUrl } = await openServerStore(config, logger);
  const redis = await resolveRedis(
    config.redisUrl,
    logger,
    config.redisSentinels ? { sentinels: config.redisSentinels, name: config.redisSentinelName } : null,
  );
  if (redis.source === 'memory') {
    logger.warn(
      'NO REDIS: running on the in-process fallback — rate limits and live events are SINGLE-NODE ONLY. Set REDIS_URL or start redis-server to scale out.',
    );
  } else logger.info({ source: redis.source }, 'redis connected');

  const secretsKey = resolveSecretsKey(config);
  const app: App = await createApp({
    config,
    logger,
    mongo: conn,
    redis: redis.client,
    secretsKey,
    nodeId: config.nodeId ?? undefined,
    storePostgresUrl,
    readerBacklog: config.readerBacklog,
    hooks: testHooks(config, logger),
    notify: { config: config.notify, blockPrivateTargets: !config.dev && !config.notify.webhookAllowPrivate },
  });
  announceNotifications(config, redis.client !== null, logger);
  if (config.dev) await ensureDemoSite(app.services.sites, logger);

  await new Promise<void>((resolve) => app.httpServer.listen(config.port, config.host, resolve));
  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  logger.info({ port: config.port, ms: Date.now() - started }, `Parley is ready at ${url}`);
  if (config.dev)
    console.log(
      `\n  Parley is running: demo article ${url}/ (site id "${DEMO_SITE_ID}")  ·  moderation ${url}/moderate  ·  health ${url}/readyz\n`,
    );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await app.close();
      await conn.close();
      redis.client?.disconnect();
      await store?.stop();
      clearTimeout(force);
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  if (err instanceof EmbeddedStoreError) console.error(`parley: ${err.message}`);
  else console.error('parley: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
