import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, errors, toAppError } from '../errors';
import type { Logger } from '../logger';

/** Unknown routes get the SPEC's error shape. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => next(errors.notFound('route'));

/**
 * The one Express error boundary: any error becomes `{ error: { code, message } }`.
 * Body-parser failures map to 413/400; unknown errors become `internal` (500),
 * are logged with the request id, and their message never reaches the client.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appErr: AppError;
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') appErr = new AppError('payload_too_large', 'request body is larger than 32 KiB');
    else if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported')
      appErr = errors.badRequest('request body is not valid JSON');
    else appErr = toAppError(err);
    if (appErr.code === 'internal') (req.log ?? logger).error({ err, reqId: req.id }, 'unhandled error');
    else if (appErr.code === 'unavailable')
      (req.log ?? logger).warn({ err: (err as Error).message }, 'backing service unavailable');
    if (appErr.extra.retryAfterMs !== undefined)
      res.setHeader('Retry-After', String(Math.ceil(appErr.extra.retryAfterMs / 1000)));
    if (appErr.code === 'unavailable') res.setHeader('Retry-After', '5');
    if (res.headersSent) return;
    res.status(appErr.status).json({ error: appErr.toBody() });
  };
}
