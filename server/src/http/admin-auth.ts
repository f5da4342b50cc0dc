import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError, errors } from '../errors';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of a presented key with the configured one (hashing first equalises lengths). */
export function keyMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Reads a bearer credential from an Authorization header. Everything after
 * the scheme counts (even with spaces in it), so a malformed credential is
 * checked and refused rather than silently treated as no credential.
 */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(.*?)\s*$/is.exec(header);
  return match?.[1] ? match[1] : null;
}

/**
 * Guards admin REST routes with `Authorization: Bearer <ADMIN_API_KEY>`.
 * Without a configured key the admin API is disabled (403), never open.
 */
export function requireAdminKey(adminApiKey: string | null): RequestHandler {
  return (req, _res, next) => {
    if (!adminApiKey) return next(new AppError('forbidden', 'the admin API is disabled: set ADMIN_API_KEY to enable it'));
    const presented = bearerToken(req.headers.authorization);
    if (!presented) return next(new AppError('invalid_token', 'missing admin API key', { status: 401 }));
    if (!keyMatches(presented, adminApiKey)) return next(errors.forbidden('wrong admin API key'));
    next();
  };
}
