import cors, { type CorsOptions } from 'cors';
import type { Request, RequestHandler } from 'express';
import { errors } from '../errors';
import type { SitesService } from '../modules/sites/sites.service';

/** Dependencies of {@link restCors}. */
export interface RestCorsDeps {
  /** Development mode accepts any browser origin. */
  dev: boolean;
  sites: Pick<SitesService, 'find' | 'allOrigins'>;
}

/** How a browser origin relates to a request: allowed, refused, or a site that does not exist (the route answers 404). */
export type OriginVerdict = 'allowed' | 'refused' | 'unknown-site';

const BASE: CorsOptions = { credentials: false, maxAge: 600, exposedHeaders: ['Retry-After', 'X-Request-Id'] };
/** Routes that belong to one site: `/sites/:siteId/<anything>` (not the admin `/sites/:siteId` itself). */
const SITE_ROUTE = /^\/sites\/([a-z0-9-]{2,40})\/./;
/** Routes that name a comment, not a site: any site's origin may call them. */
const COMMENT_ROUTE = /^\/comments\//;
/** Documents anyone may fetch from anywhere. */
const PUBLIC_ROUTES = new Set(['/openapi.json']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameOrigin(req: Request, origin: string): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Decides whether a browser origin may call a REST route in production:
 * site routes accept that site's origins, comment routes the origins of any
 * site, the admin API only same-origin pages (it is meant for servers and the CLI).
 */
export async function judgeOrigin(deps: RestCorsDeps, req: Request, origin: string): Promise<OriginVerdict> {
  if (deps.dev || PUBLIC_ROUTES.has(req.path) || sameOrigin(req, origin)) return 'allowed';
  const siteRoute = SITE_ROUTE.exec(req.path);
  if (siteRoute) {
    const site = await deps.sites.find(siteRoute[1]!);
    if (!site) return 'unknown-site';
    return site.origins.includes(origin) ? 'allowed' : 'refused';
  }
  if (COMMENT_ROUTE.test(req.path)) return (await deps.sites.allOrigins()).has(origin) ? 'allowed' : 'refused';
  return 'refused';
}

/**
 * REST CORS. In development any origin is accepted. In production the
 * Access-Control headers are only sent to the origins {@link judgeOrigin}
 * allows, so browsers on other origins cannot read answers or pass preflight;
 * and because a simple (non-preflighted) cross-origin POST would still run,
 * state-changing requests from a refused origin are answered `403 forbidden`
 * outright, matching the socket handshake. Requests without an Origin header
 * (servers, the CLI, curl) are not subject to CORS and pass untouched.
 */
export function restCors(deps: RestCorsDeps): RequestHandler {
  if (deps.dev) return cors({ ...BASE, origin: true });
  const allow = cors({ ...BASE, origin: true });
  const deny = cors({ ...BASE, origin: false });
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin) return next();
    judgeOrigin(deps, req, origin).then(
      (verdict) => {
        if (verdict === 'allowed') return allow(req, res, next);
        if (verdict === 'refused' && !SAFE_METHODS.has(req.method))
          return next(errors.forbidden('origin not allowed for this site'));
        deny(req, res, next);
      },
      (err: unknown) => next(err),
    );
  };
}
