import type http from 'node:http';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { Config } from './config';
import { DomainEvents } from './domain-events';
import { buildHttpApp, createHttpServer, drainConnections } from './http/http-app';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { attachInvalidation } from './realtime/connections';
import type { ParleyServer } from './realtime/io';
import { attachRealtime } from './realtime/realtime';
import type { BacklogLimits } from './realtime/slow-readers';
import type { Comment } from './modules/comments/comment';
import { buildServices, type Services } from './services';
import { scheduleRetention } from './modules/trust/privacy.service';

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
  hooks?: { beforeAnnounce?: (comment: Comment) => void };
}

/** A built, not yet listening, Parley node. */
export interface App {
  httpServer: http.Server;
  io: ParleyServer;
  services: Pick<Services, 'sites' | 'auth' | 'comments' | 'moderation' | 'privacy'>;
  /** The node's domain event bus (tests subscribe to it). */
  events: DomainEvents;
  /** Stops accepting, tells sockets to reconnect elsewhere, finishes in-flight requests; does not close the stores. */
  close(): Promise<void>;
}

/** The composition root: services, HTTP app, realtime connections, cross-node invalidation. Never reads the environment or listens. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { logger } = deps;
  const keyPrefix = deps.redisPrefix ?? 'parley:';
  const metrics = createMetrics();
  const events = new DomainEvents({ logger, onSubscriberError: (event) => metrics.domainEventFailures.inc({ event }) });
  const state = { shuttingDown: false };

  // 1. Services over their repositories, and the hourly retention purge.
  const services = await buildServices({ ...deps, keyPrefix, events, metrics });
  const stopRetention = scheduleRetention(services.privacy, logger);

  // 2. The HTTP app and server.
  const app = buildHttpApp({ ...deps, metrics, services, state });
  const httpServer = createHttpServer(app);

  // 3. Realtime: Socket.IO, presence, connections, and the broadcast of domain events.
  const trustProxy = app.get('trust proxy fn') as (a: string, i: number) => boolean;
  const realtime = attachRealtime(httpServer, {
    ...deps,
    keyPrefix,
    services,
    events,
    metrics,
    anyOrigin: deps.config.dev,
    trustProxy,
  });

  // 4. Cross-node invalidation of this node's caches.
  attachInvalidation(realtime.io, services);

  async function close(): Promise<void> {
    state.shuttingDown = true;
    stopRetention();
    // Send every socket away first: clients reconnect to another node and recover there. Requests keep going.
    await drainConnections(httpServer, () => realtime.close());
    await services.importJobs.close();
  }

  const { sites, auth, comments, moderation, privacy } = services;
  return { httpServer, io: realtime.io, services: { sites, auth, comments, moderation, privacy }, events, close };
}
