import type { Request } from 'express';
import type { AuthService } from '../modules/auth/auth.service';
import type { ActorContext } from '../modules/auth/principal';
import { bearerToken } from './admin-auth';

/** The client IP as Express resolved it (honours TRUST_PROXY). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Authenticates a REST request on a site: its bearer reader token (if any) and its client IP. */
export async function restContext(req: Request, siteId: string, auth: Pick<AuthService, 'authenticate'>): Promise<ActorContext> {
  const principal = await auth.authenticate(siteId, bearerToken(req.headers.authorization));
  return { siteId, ip: clientIp(req), principal };
}
