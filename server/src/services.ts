import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { DomainEvents } from './domain-events';
import { ensureStoreIndexes } from './infra/store-indexes';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { AuthService } from './modules/auth/auth.service';
import type { Comment } from './modules/comments/comment';
import { CommentsRepository } from './modules/comments/comments.repository';
import { CommentsService } from './modules/comments/comments.service';
import { DuplicateGuard } from './modules/comments/duplicate-guard';
import { ExportService } from './modules/imports/export.service';
import { ImportService } from './modules/imports/import.service';
import { ImportJobs } from './modules/imports/import-jobs';
import { ImportWriter } from './modules/imports/import-writer';
import { FeedsService } from './modules/feeds/feeds.service';
import { ModerationRepository } from './modules/moderation/moderation.repository';
import { ModerationService } from './modules/moderation/moderation.service';
import { PagesRepository } from './modules/pages/pages.repository';
import { PagesService } from './modules/pages/pages.service';
import { RateLimitService } from './modules/rate-limit/rate-limit.service';
import { SecretBox } from './modules/sites/secret-box';
import { SitesRepository } from './modules/sites/sites.repository';
import { SitesService } from './modules/sites/sites.service';
import { KeyHasher } from './modules/trust/key-hasher';
import { ProofOfWork } from './modules/trust/pow.service';
import { PrivacyRepository } from './modules/trust/privacy.repository';
import { PrivacyService } from './modules/trust/privacy.service';

/** What the services are built from. */
export interface ServiceDeps {
  mongo: Connection;
  redis: Redis | null;
  keyPrefix: string;
  secretsKey: string;
  events: DomainEvents;
  metrics: Metrics;
  logger: Logger;
  /** The PostgreSQL under the embedded store, when Parley runs on it: Parley adds the indexes FerretDB cannot make. */
  storePostgresUrl?: string | null;
  /** Test-only fault hooks (fault tests kill a node at a precise point). */
  hooks?: { beforeAnnounce?: (comment: Comment) => void };
}

/** Every use case of a node, over its repositories. */
export interface Services {
  sites: SitesService;
  auth: AuthService;
  pages: PagesService;
  comments: CommentsService;
  moderation: ModerationService;
  rateLimits: RateLimitService;
  /** The moderation store, for the admin REST routes and ban invalidation. */
  moderationRepo: ModerationRepository;
  /** Imports started over the admin REST API, and the site export. */
  importJobs: ImportJobs;
  exporter: ExportService;
  /** Proof-of-work challenges and one-time solutions. */
  pow: ProofOfWork;
  /** Readers' data export and erasure, and the retention purge. */
  privacy: PrivacyService;
  /** Atom feeds of pages and sites. */
  feeds: FeedsService;
}

/** Builds the repositories (creating their indexes) and the services over them. */
export async function buildServices(deps: ServiceDeps): Promise<Services> {
  const { mongo, events, metrics, logger } = deps;
  const sitesRepo = new SitesRepository(mongo);
  const pagesRepo = new PagesRepository(mongo);
  const commentsRepo = new CommentsRepository(mongo);
  const modRepo = new ModerationRepository(mongo);
  const indexPolicy = deps.storePostgresUrl ? 'unique' : 'all';
  await Promise.all([sitesRepo.init(), pagesRepo.init(indexPolicy), commentsRepo.init(indexPolicy), modRepo.init(indexPolicy)]);
  if (deps.storePostgresUrl) {
    const created = await ensureStoreIndexes(deps.storePostgresUrl, mongo.name);
    if (created.length) logger.info({ created }, 'embedded store: created its JSONB indexes');
  }

  const hasher = new KeyHasher(deps.secretsKey);
  const rateLimits = new RateLimitService({ redis: deps.redis, keyPrefix: deps.keyPrefix, logger, metrics, hasher });
  const pow = new ProofOfWork({ secretsKey: deps.secretsKey, redis: deps.redis, keyPrefix: deps.keyPrefix, rateLimits, logger });
  const importJobs = new ImportJobs({
    conn: mongo,
    // `sites` is read when an import starts, after construction.
    importer: new ImportService({
      writer: new ImportWriter(mongo),
      maxDepthOf: async (id): Promise<number> => (await sites.get(id)).maxDepth,
    }),
    logger,
  });
  const sites = new SitesService({
    repo: sitesRepo,
    box: new SecretBox(deps.secretsKey),
    events,
    purgers: [
      (id) => pagesRepo.purgeSite(id),
      (id) => commentsRepo.purgeSite(id),
      (id) => modRepo.purgeSite(id),
      (id) => importJobs.purgeSite(id),
    ],
  });
  const auth = new AuthService({ sites, rateLimits, secretsKey: deps.secretsKey });
  const pages = new PagesService(pagesRepo);
  const comments = new CommentsService({
    pow,
    repo: commentsRepo,
    pages,
    moderation: modRepo,
    sites,
    rateLimits,
    duplicates: new DuplicateGuard({ redis: deps.redis, keyPrefix: deps.keyPrefix, onFallback: () => rateLimits.noteFallback() }),
    events,
    metrics,
    logger,
    beforeAnnounce: deps.hooks?.beforeAnnounce,
  });
  const moderation = new ModerationService({ comments, repo: modRepo, pages, events });
  const exporter = new ExportService(mongo);
  const feeds = new FeedsService({ comments: commentsRepo, pages: pagesRepo, sites });
  const privacy = new PrivacyService({
    repo: new PrivacyRepository(mongo),
    comments,
    commentsRepo,
    moderation: modRepo,
    sites,
    events,
    logger,
  });
  return {
    sites,
    auth,
    pages,
    comments,
    moderation,
    rateLimits,
    moderationRepo: modRepo,
    importJobs,
    exporter,
    pow,
    privacy,
    feeds,
  };
}
