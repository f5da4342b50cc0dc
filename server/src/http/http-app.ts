import { randomUUID } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config';
import { pingMongo } from '../infra/mongo';
import { pingRedis } from '../infra/redis';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { authRouter, devAuthRouter } from '../modules/auth/auth.routes';
import { commentsRouter } from '../modules/comments/comments.routes';
import { staticRouter } from '../modules/demo/static.routes';
import { feedsRouter } from '../modules/feeds/feeds.routes';
import { healthRouter, type ReadinessCheck } from '../modules/health/health.routes';
import { moderationRouter } from '../modules/moderation/moderation.routes';
import { importsRouter } from '../modules/imports/imports.routes';
import { trustRouter } from '../modules/trust/trust.routes';
import { siteSettingsRouter, sitesRouter } from '../modules/sites/sites.routes';
import type { Services } from '../services';
import { restCors } from './cors';
import { errorHandler, notFoundHandler } from './error-middleware';
import { openApiRouter } from './openapi';

/** What the Express app is built from. */
export interface HttpAppDeps {
  config: Pick<Config, 'dev' | 'adminApiKey' | 'trustProxy'> & Partial<Pick<Config, 'publicUrl'>>;
  logger: Logger;
  metrics: Metrics;
  mongo: Connection;
  redis: Redis | null;
  services: Services;
  /** Set while the node shuts down (readiness answers 503). */
  state: { shuttingDown: boolean };
}

/** The Express app: request logging and metrics, security headers, health, the REST API, static pages, errors. */
export function buildHttpApp(deps: HttpAppDeps): express.Express {
  const { config, logger, metrics, services } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
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
  const checks: ReadinessCheck[] = [{ name: 'mongodb', check: () => pingMongo(deps.mongo) }];
  const redis = deps.redis;
  if (redis) checks.push({ name: 'redis', check: () => pingRedis(redis) });
  app.use(healthRouter(checks, metrics.registry, deps.state));

  const { sites, auth, comments, moderationRepo } = services;
  const api = express.Router();
  // Production: only the site's own origins (see http/cors.ts); development: any origin.
  api.use(restCors({ dev: config.dev, sites }));
  // Before the JSON parser: an import's body is the export file, streamed to disk, not JSON under 32 KiB.
  api.use(importsRouter({ jobs: services.importJobs, exporter: services.exporter, sites, adminApiKey: config.adminApiKey }));
  api.use(express.json({ limit: '32kb', strict: true }));
  api.use(openApiRouter());
  api.use(sitesRouter(sites, config.adminApiKey));
  api.use(siteSettingsRouter(sites));
  api.use(authRouter(auth));
  if (config.dev) api.use(devAuthRouter(auth));
  api.use(commentsRouter(comments, auth));
  api.use(
    trustRouter({
      sites,
      auth,
      pow: services.pow,
      privacy: services.privacy,
      rateLimits: services.rateLimits,
      adminApiKey: config.adminApiKey,
    }),
  );
  api.use(feedsRouter(services.feeds, config.publicUrl ?? null));
  api.use(moderationRouter({ repo: moderationRepo, sites, auth, adminApiKey: config.adminApiKey }));
  app.use('/api/v1', api);
  app.use(staticRouter({ dev: config.dev }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

/** The node's HTTP server over the app. Headers up to 32 KiB (Node: 16), so an oversized bearer token gets the SPEC's 401, not a bare 431. */
export function createHttpServer(app: express.Express): http.Server {
  const server = http.createServer({ maxHeaderSize: 32 * 1024 }, app);
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Stops an HTTP server's idle keep-alive connections while `drain` runs, and every connection after 8 s at the latest. */
export async function drainConnections(server: http.Server, drain: () => Promise<void>): Promise<void> {
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const hard = setTimeout(() => server.closeAllConnections(), 8000);
  try {
    await drain();
  } finally {
    clearInterval(idle);
    clearTimeout(hard);
  }
}
