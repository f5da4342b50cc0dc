import pino, { type Logger } from 'pino';

/** Creates the process logger (JSON lines; pretty output is left to `pino-pretty` if the user pipes to it). */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'parley', ...base },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.secret'], censor: '[redacted]' },
  });
}

export type { Logger };
