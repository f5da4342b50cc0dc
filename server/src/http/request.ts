import type { Request } from 'express';
import type { Actor } from '../modules/comments/comments.service';
import { bearerToken } from './admin-auth';

/** The client IP as Express resolved it (honours TRUST_PROXY). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** The REST actor: the bearer reader token (if any) and the client IP. */
export function restActor(req: Request): Actor {
  return { ip: clientIp(req), auth: { token: bearerToken(req.headers.authorization) } };
}
