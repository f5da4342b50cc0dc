import { randomUUID } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import { DomainEvents } from './domain-events';
import { restCors } from './http/cors';
import { errorHandler, notFoundHandler } from './http/error-middleware';
import { openApiRouter } from './http/openapi';
import { pingMongo } from './infra/mongo';
import { pingRedis } from './infra/redis';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { authRouter, devAuthRouter } from './modules/auth/auth.routes';
import { AuthService } from './modules/auth/auth.service';
import { CommentsRepository } from './modules/comments/comments.repository';
import { commentsRouter } from './modules/comments/comments.routes';
import { CommentsService } from './modules/comments/comments.service';
import { registerReaderHandlers } from './modules/comments/comments.socket';
import { staticRouter } from './modules/demo/static.routes';
import { healthRouter, type ReadinessCheck } from './modules/health/health.routes';
import { ModerationRepository } from './modules/moderation/moderation.repository';
import { moderationRouter } from './modules/moderation/moderation.routes';
import { ModerationService } from './modules/moderation/moderation.service';
import { registerModeratorHandlers } from './modules/moderation/moderation.socket';
import { PagesRepository } from './modules/pages/pages.repository';
import { PagesService } from './modules/pages/pages.service';
import { RateLimitService } from './modules/rate-limit/rate-limit.service';
import { SecretBox } from './modules/sites/secret-box';
import { SitesRepository } from './modules/sites/sites.repository';
import { siteSettingsRouter, sitesRouter } from './modules/sites/sites.routes';
import { SitesService } from './modules/sites/sites.service';
import { attachBroadcast } from './realtime/broadcast';
import { handshakeMiddleware } from './realtime/handshake';
import { InFlight } from './realtime/in-flight';
import { createIo, type AdminNamespace, type ParleyServer } from './realtime/io';
import { Presence } from './realtime/presence';
import { rooms } from './realtime/rooms';
import { batchSocketWrites } from './realtime/write-batching';
import { KeyHasher } from './modules/trust/key-hasher';
import { ProofOfWork } from './modules/trust/pow.service';
import { PrivacyRepository } from './modules/trust/privacy.repository';
import { PrivacyService } from './modules/trust/privacy.service';
import { trustRouter } from './modules/trust/trust.routes';

/** How often each node blanks bodies past their site's retention period (idempotent, so nodes may overlap). */
const RETENTION_SWEEP_MS = 3600_000;

/** Everything the app needs from outside; `main.ts` builds it from config, tests build their own. */
export interface AppDeps {
  config: Pick<Config, 'dev' | 'adminApiKey' | 'trustProxy'>;
  logger: Logger;
  mongo: Connection;
  /** Null runs on the in-process fallback (single node only). */
  redis: Redis | null;
  /** Server key material for site secrets at rest and guest tokens. */
  secretsKey: string;
  /** Prefix of every Redis key (tests give each run its own). */
  redisPrefix?: string;
  nodeId?: string;
}

/** A built, not yet listening, Parley node. */
export interface App {
  httpServer: http.Server;
  io: ParleyServer;
  services: {
    sites: SitesService;
    auth: AuthService;
    comments: CommentsService;
    moderation: ModerationService;
    privacy: PrivacyService;
  };
  /** Stops accepting, tells sockets to reconnect elsewhere, finishes in-flight requests; does not close the stores. */
  close(): Promise<void>;
}

/** The composition root: builds Express, the HTTP server and Socket.IO. Never reads the environment or listens. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { logger, mongo, redis } = deps;
  const keyPrefix = deps.redisPrefix ?? 'parley:';
  const nodeId = deps.nodeId ?? randomUUID();
  const metrics = createMetrics();
  const events = new DomainEvents();
  const state = { shuttingDown: false };

  const sitesRepo = new SitesRepository(mongo);
  const pagesRepo = new PagesRepository(mongo);
  const commentsRepo = new CommentsRepository(mongo);
  const modRepo = new ModerationRepository(mongo);
  await Promise.all([sitesRepo.init(), pagesRepo.init(), commentsRepo.init(), modRepo.init()]);

  const keyHasher = new KeyHasher(deps.secretsKey);
  const rateLimits = new RateLimitService({ redis, keyPrefix, logger, metrics, hasher: keyHasher });
  const sites = new SitesService({
    repo: sitesRepo,
    box: new SecretBox(deps.secretsKey),
    events,
    purgers: [(id) => pagesRepo.purgeSite(id), (id) => commentsRepo.purgeSite(id), (id) => modRepo.purgeSite(id)],
  });
  const auth = new AuthService({ sites, rateLimits, secretsKey: deps.secretsKey });
  const pages = new PagesService(pagesRepo);
  const pow = new ProofOfWork({ secretsKey: deps.secretsKey, redis, keyPrefix, rateLimits, logger });
  const comments = new CommentsService({
    pow,
    repo: commentsRepo,
    pages,
    moderation: modRepo,
    sites,
    auth,
    rateLimits,
    events,
    metrics,
    logger,
  });
  const moderation = new ModerationService({ comments, commentsRepo, repo: modRepo, pages, events });
  const privacy = new PrivacyService({
    repo: new PrivacyRepository(mongo),
    comments,
    commentsRepo,
    moderation: modRepo,
    sites,
    auth,
    events,
    logger,
  });
  // Retention: bodies of rejected and deleted comments are blanked once their site's period has passed.
  const retention = setInterval(
    () => void privacy.purgeRetention().catch((err: unknown) => logger.error({ err }, 'retention purge failed')),
    RETENTION_SWEEP_MS,
  );
  retention.unref();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      // Client addresses are never written anywhere, logs included (see README "What Parley stores about readers").
      serializers: {
        req: (req: Record<string, unknown>) => {
          const { remoteAddress: _a, remotePort: _p, ...rest } = req;
          return rest;
        },
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () =>
      end({
        route: (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : req.baseUrl || req.path),
        status: res.statusCode,
      }),
    );
    next();
  });
  app.use(
    helmet({
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      contentSecurityPolicy: {
        directives: { 'connect-src': ["'self'", 'ws:', 'wss:'], 'img-src': ["'self'", 'https:', 'data:'] },
      },
    }),
  );
  const checks: ReadinessCheck[] = [{ name: 'mongodb', check: () => pingMongo(mongo) }];
  if (redis) checks.push({ name: 'redis', check: () => pingRedis(redis) });
  app.use(healthRouter(checks, metrics.registry, state));

  const api = express.Router();
  // Production: only the site's own origins (see http/cors.ts); development: any origin.
  api.use(restCors({ dev: deps.config.dev, sites }));
  api.use(express.json({ limit: '32kb', strict: true }));
  api.use(openApiRouter());
  api.use(sitesRouter(sites, deps.config.adminApiKey));
  api.use(siteSettingsRouter(sites));
  api.use(authRouter(auth));
  if (deps.config.dev) api.use(devAuthRouter(auth));
  api.use(commentsRouter(comments));
  api.use(trustRouter({ sites, pow, privacy, rateLimits, adminApiKey: deps.config.adminApiKey }));
  api.use(moderationRouter({ repo: modRepo, sites, auth, adminApiKey: deps.config.adminApiKey }));
  app.use('/api/v1', api);
  app.use(staticRouter({ dev: deps.config.dev }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  // Node refuses headers over 16 KiB with a bare 431; allow 32 KiB so an oversized bearer
  // token reaches the token check and gets the SPEC's 401 invalid_token.
  const httpServer = http.createServer({ maxHeaderSize: 32 * 1024 }, app);
  httpServer.keepAliveTimeout = 65_000;
  const { io, closeAdapter } = createIo(httpServer, { redis, keyPrefix });
  batchSocketWrites(io);
  const admin = io.of('/admin') as unknown as AdminNamespace;
  const presence = new Presence({
    redis,
    nodeId,
    keyPrefix,
    logger,
    publish: (siteId, pageId, readers) => io.to(rooms.page(siteId, pageId)).emit('page:presence', { pageId, readers }),
  });
  const handshakeDeps = {
    sites,
    auth,
    rateLimits,
    anyOrigin: deps.config.dev,
    trustProxy: app.get('trust proxy fn') as (a: string, i: number) => boolean,
  };
  io.use(handshakeMiddleware(handshakeDeps, { requireModerator: false }));
  admin.use(handshakeMiddleware(handshakeDeps, { requireModerator: true }));
  const socketWrites = new InFlight();
  const socketLog = (id: string, userId: string | undefined) => logger.child({ socketId: id, userId });
  io.on('connection', (socket) => {
    metrics.sockets.inc({ namespace: '/' });
    socket.on('disconnect', () => metrics.sockets.dec({ namespace: '/' }));
    const { siteId, principal } = socket.data;
    if (!socket.recovered) {
      void socket.join(rooms.site(siteId));
      if (principal) void socket.join(rooms.user(siteId, principal.userId));
    } else for (const pageId of socket.data.pages) presence.join(siteId, pageId);
    registerReaderHandlers(socket, {
      comments: socketWrites.track(comments),
      pages,
      presence,
      logger: socketLog(socket.id, principal?.userId),
    });
  });
  admin.on('connection', (socket) => {
    metrics.sockets.inc({ namespace: '/admin' });
    socket.on('disconnect', () => metrics.sockets.dec({ namespace: '/admin' }));
    void socket.join(rooms.moderators(socket.data.siteId));
    registerModeratorHandlers(socket, {
      moderation: socketWrites.track(moderation),
      logger: socketLog(socket.id, socket.data.principal?.userId),
    });
  });
  // "Something about this site changed on another node": its settings, bans or page locks.
  io.on('site:changed', (siteId) => {
    sites.forget(siteId);
    modRepo.forgetBans(siteId);
    pages.forgetSite(siteId);
  });
  const detachBroadcast = attachBroadcast(io, admin, events, metrics, { clustered: redis !== null });

  async function close(): Promise<void> {
    state.shuttingDown = true;
    clearInterval(retention);
    // Stop accepting and send every socket away first: clients reconnect to another node behind
    // the balancer and recover their session there. Requests already running keep going.
    const idle = setInterval(() => httpServer.closeIdleConnections(), 50);
    const hard = setTimeout(() => httpServer.closeAllConnections(), 8000);
    await new Promise<void>((resolve) => io.close(() => resolve()));
    clearInterval(idle);
    clearTimeout(hard);
    // Socket writes already under way finish (and their events still reach the other nodes)
    // before the caller closes the database.
    await socketWrites.drain();
    detachBroadcast();
    await presence.close();
    closeAdapter();
  }

  return { httpServer, io, services: { sites, auth, comments, moderation, privacy }, close };
}
