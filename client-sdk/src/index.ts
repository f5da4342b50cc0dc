/**
 * Public surface of `@parley/sdk`. This file exports only what is promised
 * (see client-sdk/README.md): the two client factories, their option and
 * result types, the error classes with their guards, and the wire types.
 * Everything else under src/ is internal and may change without notice.
 */
export { createClient } from './client';
export type { ClientEvents, ClientOptions, JoinResult, ListQuery, ParleyClient, PostInput, PostResult } from './client';
export type { ConnectionChange, ConnectionState } from './connection';
export { createAdminClient } from './admin';
export type { AdminClientEvents, AdminClientOptions, ParleyAdminClient, QueuePage } from './admin';
export {
  BadRequestError,
  BannedError,
  ConflictError,
  errorFromBody,
  ForbiddenError,
  InvalidTokenError,
  isParleyError,
  isRateLimitedError,
  LockedError,
  NotFoundError,
  ParleyError,
  PayloadTooLargeError,
  PowRequiredError,
  RateLimitedError,
  UnavailableError,
} from './errors';
export type { Transport } from './socket';
export { solvePow } from './pow';
export type { SolveOptions } from './pow';
export type * from './protocol';
