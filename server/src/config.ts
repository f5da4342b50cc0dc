import path from 'node:path';
import { z } from 'zod';

/** Validated, typed runtime configuration; the only reader of `process.env`. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  dev: boolean;
  port: number;
  host: string;
  mongodbUri: string | null;
  redisUrl: string | null;
  adminApiKey: string | null;
  publicUrl: string | null;
  trustProxy: boolean | number | string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dataDir: string;
  storePort: number;
  storePostgresUrl: string | null;
  secretsKey: string | null;
  nodeId: string | null;
  /** Redis Sentinel set (`REDIS_SENTINELS`); when set, Redis is found through it instead of REDIS_URL's host. */
  redisSentinels: { host: string; port: number }[] | null;
  /** Name of the monitored master (`REDIS_SENTINEL_NAME`, default `mymaster`). */
  redisSentinelName: string;
  /** A reader connection's unsent backlog limits; past either the node cuts it off (slow reader). */
  readerBacklog: { maxBytes: number; maxFrames: number };
  /** Test-only: a node SIGKILLs itself between storing and announcing a comment whose body contains this. */
  testCrashMarker: string | null;
  /** Reply emails, moderator alerts and webhooks (see README "Notifications and webhooks"). */
  notify: NotifyConfig;
}

/** What the notifications module is configured with. */
export interface NotifyConfig {
  /** `SMTP_URL`: smtp:// or smtps:// URL of the mail relay; `log:` writes mails to the log instead (development); null: no email at all. */
  smtpUrl: string | null;
  /** `MAIL_FROM`: the From header of every mail. */
  mailFrom: string;
  /** `NOTIFY_GATHER_MS`: at most one email per thread and reader (and per moderator) in this window (default 10 min). */
  gatherMs: number;
  /** `WEBHOOK_ALLOW_PRIVATE`: in production, webhook targets on loopback, link-local and private ranges are refused unless true. */
  webhookAllowPrivate: boolean;
  /** `WEBHOOK_TIMEOUT_MS`: how long one webhook request may take. */
  webhookTimeoutMs: number;
  /** `WEBHOOK_RETRY_BASE_MS`: first retry delay of a failed delivery; doubles per attempt, retried for 24 h. */
  webhookRetryBaseMs: number;
}

const hostPort = z
  .string()
  .trim()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port')
  .transform((v) => {
    const at = v.lastIndexOf(':');
    return { host: v.slice(0, at), port: Number(v.slice(at + 1)) };
  })
  .refine((v) => v.port > 0 && v.port <= 65535, 'port must be 1..65535');

const portSchema = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: portSchema.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  STORE_PORT: portSchema.default(0),
  STORE_BACKEND: z
    .enum(['postgresql'], {
      message: 'the SQLite backend was retired (it scans every collection on every query); unset STORE_BACKEND',
    })
    .optional(),
  STORE_POSTGRESQL_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  NODE_ID: z.string().min(1).max(64).optional(),
  REDIS_SENTINELS: z
    .string()
    .transform((v, ctx) => {
      const out: { host: string; port: number }[] = [];
      for (const part of v.split(',')) {
        const parsed = hostPort.safeParse(part);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of host:port' });
          return z.NEVER;
        }
        out.push(parsed.data);
      }
      return out;
    })
    .optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1..64 letters, digits, dot, dash or underscore')
    .default('mymaster'),
  READER_BACKLOG_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(16 * 1024)
    .max(256 * 1024 * 1024)
    .default(512 * 1024),
  READER_BACKLOG_MAX_FRAMES: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  PARLEY_TEST_CRASH_AFTER_STORE: z.string().min(1).optional(),
  SMTP_URL: z
    .string()
    .regex(/^(smtps?:\/\/.+|log:)$/, 'must be an smtp:// or smtps:// URL, or log: (mails go to the log)')
    .optional(),
  MAIL_FROM: z.string().min(3).max(300).default('Parley <parley@localhost>'),
  NOTIFY_GATHER_MS: z.coerce.number().int().min(100).max(86_400_000).default(600_000),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
});

/** A configuration problem, reported as one line before the process exits. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses TRUST_PROXY the way Express understands it: `true`/`false`, a hop
 * count, or a comma-separated list of trusted addresses/subnets.
 */
function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/** Reads and validates the environment once; throws ConfigError with one clear line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(blankless);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`invalid configuration: ${key} ${issue.message} (got ${JSON.stringify(env[key] ?? '')})`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.SECRETS_KEY) {
    throw new ConfigError(
      'invalid configuration: SECRETS_KEY is required in production (32+ random characters; it encrypts site secrets at rest and signs guest tokens; e.g. `openssl rand -hex 32`)',
    );
  }
  return {
    nodeEnv: e.NODE_ENV,
    dev: e.NODE_ENV !== 'production',
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI ?? null,
    redisUrl: e.REDIS_URL ?? null,
    adminApiKey: e.ADMIN_API_KEY ?? null,
    publicUrl: e.PUBLIC_URL ?? null,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(e.DATA_DIR),
    storePort: e.STORE_PORT,
    storePostgresUrl: e.STORE_POSTGRESQL_URL ?? null,
    secretsKey: e.SECRETS_KEY ?? null,
    nodeId: e.NODE_ID ?? null,
    redisSentinels: e.REDIS_SENTINELS ?? null,
    redisSentinelName: e.REDIS_SENTINEL_NAME,
    readerBacklog: { maxBytes: e.READER_BACKLOG_MAX_BYTES, maxFrames: e.READER_BACKLOG_MAX_FRAMES },
    testCrashMarker: e.PARLEY_TEST_CRASH_AFTER_STORE ?? null,
    notify: {
      smtpUrl: e.SMTP_URL ?? null,
      mailFrom: e.MAIL_FROM,
      gatherMs: e.NOTIFY_GATHER_MS,
      webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE === 'true',
      webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
      webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    },
  };
}
