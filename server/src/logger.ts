import pino, { type Logger, type LoggerOptions } from 'pino';

/** How log lines are written: JSON lines (servers, pipes, files) or human-readable lines for a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * The format for this process: readable lines only in development on an interactive
 * terminal; JSON everywhere else (production, pipes, containers, log shippers).
 */
export function chooseLogFormat(dev: boolean, isTty: boolean | undefined): LogFormat {
  return dev && isTty === true ? 'pretty' : 'json';
}

/** Creates the process logger (JSON lines, or pino-pretty lines when `format` is `pretty`). */
export function createLogger(level: string, base: Record<string, unknown> = {}, format: LogFormat = 'json'): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'parley', ...base },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.secret'], censor: '[redacted]' },
  };
  if (format === 'pretty') {
    // pino-pretty runs in pino's transport worker, off the main thread.
    options.transport = {
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
    };
  }
  return pino(options);
}

export type { Logger };
