import { z } from 'zod';
import type { ExtendedError, Socket } from 'socket.io';
import { errors, toAppError } from '../errors';
import { parse } from '../validate';
import type { AuthService } from '../modules/auth/auth.service';
import { isModerator } from '../modules/auth/principal';
import type { RateLimitService } from '../modules/rate-limit/rate-limit.service';
import { siteIdSchema } from '../modules/sites/sites.schemas';
import type { SitesService } from '../modules/sites/sites.service';
import { handshakeIp, type SocketData } from './io';

const handshakeSchema = z.object({ siteId: siteIdSchema });

/** Dependencies of {@link handshakeMiddleware}. */
export interface HandshakeDeps {
  sites: SitesService;
  auth: AuthService;
  rateLimits: RateLimitService;
  /** Development mode accepts any browser origin. */
  anyOrigin: boolean;
  trustProxy: (addr: string, i: number) => boolean;
}

/**
 * Authenticates a socket once, at the handshake (never per event): known site,
 * allowed origin, connection rate limit per IP, the same token check as REST.
 * A refusal reaches the client as `connect_error` whose message is the error code.
 */
export function handshakeMiddleware(deps: HandshakeDeps, opts: { requireModerator: boolean }) {
  return async (socket: Socket, next: (err?: ExtendedError) => void): Promise<void> => {
    try {
      const auth = (socket.handshake.auth ?? {}) as { siteId?: unknown; token?: unknown };
      const { siteId } = parse(handshakeSchema, { siteId: auth.siteId });
      // A bad token of any shape (too long, not a string, NUL bytes) is the same invalid_token
      // as on REST, never a bad_request that would hint at which check failed.
      const token = auth.token ?? null;
      const site = await deps.sites.find(siteId);
      if (!site) throw errors.notFound('site');
      const origin = socket.handshake.headers.origin;
      // Browsers always send Origin; server-side clients do not and are not subject to CORS.
      if (origin && !deps.anyOrigin && !site.origins.includes(origin)) throw errors.forbidden('origin not allowed for this site');
      const ip = handshakeIp(socket.handshake.address, socket.handshake.headers, deps.trustProxy);
      await deps.rateLimits.enforce('connectionsPerMinutePerIp', site.limits, `${siteId}:${ip}`);
      if (token !== null && typeof token !== 'string') throw errors.invalidToken();
      const principal = deps.auth.principalFor(site, token);
      if (opts.requireModerator && !isModerator(principal)) throw errors.forbidden('a moderator token is required');
      const data: SocketData = { siteId, principal, ip, pages: [] };
      socket.data = data;
      next();
    } catch (err) {
      const appErr = toAppError(err);
      const refusal = new Error(appErr.code) as ExtendedError;
      refusal.data = appErr.toBody();
      next(refusal);
    }
  };
}
