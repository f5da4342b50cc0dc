import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { DomainEvents } from '../domain-events';
import { openStore } from '../infra/open-store';
import { resolveSecretsKey } from '../infra/secrets-key';
import { CommentsRepository } from '../modules/comments/comments.repository';
import { ModerationRepository } from '../modules/moderation/moderation.repository';
import { PagesRepository } from '../modules/pages/pages.repository';
import { SecretBox } from '../modules/sites/secret-box';
import { SitesRepository } from '../modules/sites/sites.repository';
import { SitesService } from '../modules/sites/sites.service';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { CommentsService } from '../modules/comments/comments.service';
import { DuplicateGuard } from '../modules/comments/duplicate-guard';
import { PagesService } from '../modules/pages/pages.service';
import { RateLimitService } from '../modules/rate-limit/rate-limit.service';
import { PrivacyRepository } from '../modules/trust/privacy.repository';
import { PrivacyService } from '../modules/trust/privacy.service';

/** What a CLI command works with: the same SitesService the server uses, over the same database. */
export interface CliContext {
  sites: SitesService;
  /** The open database, for commands that work on more than sites (import, export). */
  conn: Connection;
  /** Readers' data export and erasure, and the retention purge (the same service as the server's). */
  privacy: PrivacyService;
  /** Closes the connection and stops the embedded store if the CLI started one. */
  close(): Promise<void>;
}

/** Where the CLI writes progress that is not the command's answer (stderr, so stdout stays parseable). */
export type Notice = (line: string) => void;

/**
 * The privacy service over the CLI's connection. It changes comments through
 * the same CommentsService as the server (counters included); running servers
 * see the result on their next read (no live events reach open pages from here).
 */
function cliPrivacy(d: {
  conn: Connection;
  sites: SitesService;
  pages: PagesRepository;
  comments: CommentsRepository;
  moderation: ModerationRepository;
  events: DomainEvents;
}): PrivacyService {
  const logger = createLogger('silent');
  const rateLimits = new RateLimitService({ redis: null, keyPrefix: 'parley:', logger, metrics: createMetrics() });
  const service = new CommentsService({
    repo: d.comments,
    pages: new PagesService(d.pages),
    moderation: d.moderation,
    sites: d.sites,
    rateLimits,
    duplicates: new DuplicateGuard({ redis: null, keyPrefix: 'parley:' }),
    events: d.events,
    metrics: createMetrics(),
  });
  return new PrivacyService({
    repo: new PrivacyRepository(d.conn),
    comments: service,
    commentsRepo: d.comments,
    moderation: d.moderation,
    sites: d.sites,
    events: d.events,
  });
}

/**
 * Opens the database the server uses (MONGODB_URI, or the embedded store in
 * DATA_DIR) and builds the sites service with the same purgers as the app, so
 * `site delete` removes pages, comments, reactions, flags, bans and the audit log.
 */
export async function openCliContext(config: Config, notice: Notice): Promise<CliContext> {
  // Same store and database name as main.ts, so the CLI sees what `npm start` sees.
  const { conn, store } = await openStore({ config, port: 0, progress: notice, external: { serverSelectionTimeoutMS: 10_000 } });
  try {
    const repo = new SitesRepository(conn);
    await repo.init();
    const pages = new PagesRepository(conn);
    const comments = new CommentsRepository(conn);
    const moderation = new ModerationRepository(conn);
    const secretsKey = resolveSecretsKey(config);
    const events = new DomainEvents();
    const sites = new SitesService({
      repo,
      box: new SecretBox(secretsKey),
      events,
      purgers: [(id) => pages.purgeSite(id), (id) => comments.purgeSite(id), (id) => moderation.purgeSite(id)],
      cacheTtlMs: 0,
    });
    const privacy = cliPrivacy({ conn, sites, pages, comments, moderation, events });
    return {
      sites,
      conn,
      privacy,
      async close() {
        await conn.close();
        await store?.stop();
      },
    };
  } catch (err) {
    await conn.close();
    await store?.stop();
    throw err;
  }
}
