import http from 'node:http';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { Config } from './config';
import { DomainEvents } from './domain-events';
import { buildHttpApp } from './http/http-app';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { attachInvalidation } from './realtime/connections';
import type { ParleyServer } from './realtime/io';
import { attachRealtime } from './realtime/realtime';
import type { BacklogLimits } from './realtime/slow-readers';
import type { CommentRecord } from './modules/comments/comments.repository';
import type { NotifyConfig } from './config';
import { buildServices, NOTIFY_OFF, type Services } from './services';

/** How often each node blanks bodies past their site's retention period (idempotent, so nodes may overlap). */
const RETENTION_SWEEP_MS = 3600_000;

/** Everything the app needs from outside; `main.ts` builds it from config, tests build their own. */
export interface AppDeps {
  config: Pick<Config, 'dev' | 'adminApiKey' | 'trustProxy'> & Partial<Pick<Config, 'publicUrl'>>;
  logger: Logger;
  mongo: Connection;
  /** Null runs on the in-process fallback (single node only). */
  redis: Redis | null;
  /** Server key material for site secrets at rest and guest tokens. */
  secretsKey: string;
  /** Prefix of every Redis key (tests give each run its own). */
  redisPrefix?: string;
  nodeId?: string;
  /** The PostgreSQL under the embedded store, when Parley runs on it: Parley adds the indexes FerretDB cannot make. */
  storePostgresUrl?: string | null;
  /** Per-connection unsent backlog limits (slow readers past them are cut off); defaults when absent. */
  readerBacklog?: BacklogLimits;
  /** Test-only fault hooks (fault tests kill a node at a precise point). */
  hooks?: { beforeAnnounce?: (comment: CommentRecord) => void };
  /** Reply emails, moderator alerts and webhooks; absent: no email, webhooks with the defaults. */
  notify?: {
    config?: NotifyConfig;
    /** Refuse loopback, link-local and private webhook targets (main.ts: production without WEBHOOK_ALLOW_PRIVATE). */
    blockPrivateTargets?: boolean;
    /** First retry delay of a failed mail (default 30 s; tests shorten it). */
    mailRetryBaseMs?: number;
  };
}

/** A built, not yet listening, Parley node. */
export interface App {
  httpServer: http.Server;
  io: ParleyServer;
  services: Pick<Services, 'sites' | 'auth' | 'comments' | 'moderation' | 'privacy' | 'notifications' | 'webhooks'>;
  /** The node's domain event bus (tests subscribe to it). */
  events: DomainEvents;
  /** Stops accepting, tells sockets to reconnect elsewhere, finishes in-flight requests; does not close the stores. */
  close(): Promise<void>;
}

/** The composition root: services, HTTP app, realtime connections, cross-node invalidation. Never reads the environment or listens. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { logger, mongo, redis } = deps;
  const keyPrefix = deps.redisPrefix ?? 'parley:';
  const metrics = createMetrics();
  const events = new DomainEvents({ logger, onSubscriberError: (event) => metrics.domainEventFailures.inc({ event }) });
  const state = { shuttingDown: false };

  // 1. Services over their repositories.
  let httpServer: http.Server | null = null;
  const baseUrl = (): string => {
    if (deps.config.publicUrl) return deps.config.publicUrl.replace(/\/$/, '');
    const addr = httpServer?.address();
    return addr && typeof addr === 'object' ? `http://127.0.0.1:${addr.port}` : 'http://localhost:3000';
  };
  const services = await buildServices({
    ...deps,
    keyPrefix,
    events,
    metrics,
    notify: {
      config: deps.notify?.config ?? NOTIFY_OFF,
      blockPrivateTargets: deps.notify?.blockPrivateTargets ?? false,
      baseUrl,
      mailRetryBaseMs: deps.notify?.mailRetryBaseMs,
    },
  });
  // Retention: bodies of rejected and deleted comments are blanked once their site's period has passed.
  const retention = setInterval(
    () => void services.privacy.purgeRetention().catch((err: unknown) => logger.error({ err }, 'retention purge failed')),
    RETENTION_SWEEP_MS,
  );
  retention.unref();

  // 2. The HTTP app. Headers up to 32 KiB (Node: 16), so an oversized bearer token gets the SPEC's 401, not a bare 431.
  const app = buildHttpApp({ config: deps.config, logger, metrics, mongo, redis, services, state });
  const server = http.createServer({ maxHeaderSize: 32 * 1024 }, app);
  server.keepAliveTimeout = 65_000;
  httpServer = server;

  // 3. Realtime: Socket.IO, presence, connections, and the broadcast of domain events.
  const trustProxy = app.get('trust proxy fn') as (a: string, i: number) => boolean;
  const realtime = attachRealtime(server, {
    ...deps,
    keyPrefix,
    services,
    events,
    metrics,
    anyOrigin: deps.config.dev,
    trustProxy,
  });
  const { io } = realtime;

  // 4. Cross-node invalidation of this node's caches.
  attachInvalidation(io, services);

  // 5. The durable queues' workers (mail, webhooks): every node works them, so a node that dies leaves its jobs to the others.
  services.notifications.start();
  services.webhooks.start();
  metrics.queueSizes.mail = () => services.notifications.queued();
  metrics.queueSizes.webhooks = () => services.webhooks.queued();

  async function close(): Promise<void> {
    state.shuttingDown = true;
    clearInterval(retention);
    // Send every socket away first: clients reconnect to another node and recover there. Requests keep going.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const hard = setTimeout(() => server.closeAllConnections(), 8000);
    await realtime.close();
    clearInterval(idle);
    clearTimeout(hard);
    await services.importJobs.close();
    await Promise.all([services.notifications.close(), services.webhooks.close()]);
  }

  const { sites, auth, comments, moderation, privacy, notifications, webhooks } = services;
  return {
    httpServer: server,
    io,
    services: { sites, auth, comments, moderation, privacy, notifications, webhooks },
    events,
    close,
  };
}
