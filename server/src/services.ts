import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import type { DomainEvents } from './domain-events';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { AuthService } from './modules/auth/auth.service';
import { CommentsRepository } from './modules/comments/comments.repository';
import { CommentsService } from './modules/comments/comments.service';
import { ModerationRepository } from './modules/moderation/moderation.repository';
import { ModerationService } from './modules/moderation/moderation.service';
import { PagesRepository } from './modules/pages/pages.repository';
import { PagesService } from './modules/pages/pages.service';
import { RateLimitService } from './modules/rate-limit/rate-limit.service';
import { SecretBox } from './modules/sites/secret-box';
import { SitesRepository } from './modules/sites/sites.repository';
import { SitesService } from './modules/sites/sites.service';

/** What the services are built from. */
export interface ServiceDeps {
  mongo: Connection;
  redis: Redis | null;
  keyPrefix: string;
  secretsKey: string;
  events: DomainEvents;
  metrics: Metrics;
  logger: Logger;
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
}

/** Builds the repositories (creating their indexes) and the services over them. */
export async function buildServices(deps: ServiceDeps): Promise<Services> {
  const { mongo, events, metrics, logger } = deps;
  const sitesRepo = new SitesRepository(mongo);
  const pagesRepo = new PagesRepository(mongo);
  const commentsRepo = new CommentsRepository(mongo);
  const modRepo = new ModerationRepository(mongo);
  await Promise.all([sitesRepo.init(), pagesRepo.init(), commentsRepo.init(), modRepo.init()]);

  const rateLimits = new RateLimitService({ redis: deps.redis, keyPrefix: deps.keyPrefix, logger, metrics });
  const sites = new SitesService({
    repo: sitesRepo,
    box: new SecretBox(deps.secretsKey),
    events,
    purgers: [(id) => pagesRepo.purgeSite(id), (id) => commentsRepo.purgeSite(id), (id) => modRepo.purgeSite(id)],
  });
  const auth = new AuthService({ sites, rateLimits, secretsKey: deps.secretsKey });
  const pages = new PagesService(pagesRepo);
  const comments = new CommentsService({
    repo: commentsRepo,
    pages,
    moderation: modRepo,
    sites,
    auth,
    rateLimits,
    events,
    metrics,
    logger,
  });
  const moderation = new ModerationService({ comments, commentsRepo, repo: modRepo, pages, events });
  return { sites, auth, pages, comments, moderation, rateLimits, moderationRepo: modRepo };
}
