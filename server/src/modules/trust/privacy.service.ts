import type { DataErasure, DataExport } from '@parley/protocol';
import { AppError } from '../../errors';
import type { DomainEvents } from '../../domain-events';
import type { Logger } from '../../logger';
import type { CommentsRepository } from '../comments/comments.repository';
import type { CommentsService } from '../comments/comments.service';
import type { ModerationRepository } from '../moderation/moderation.repository';
import type { SitesService } from '../sites/sites.service';
import type { PrivacyRepository } from './privacy.repository';

/** Dependencies of {@link PrivacyService}. */
export interface PrivacyDeps {
  repo: PrivacyRepository;
  comments: Pick<CommentsService, 'applyChange'>;
  commentsRepo: CommentsRepository;
  moderation: ModerationRepository;
  sites: SitesService;
  events: DomainEvents;
  logger?: Logger;
}

const DAY_MS = 24 * 3600 * 1000;

/** How often each node blanks bodies past their site's retention period (idempotent, so nodes may overlap). */
const RETENTION_SWEEP_MS = 3600_000;

/** Runs the retention purge every hour on this node; returns how to stop it. */
export function scheduleRetention(privacy: Pick<PrivacyService, 'purgeRetention'>, logger: Logger): () => void {
  const timer = setInterval(
    () => void privacy.purgeRetention().catch((err: unknown) => logger.error({ err }, 'retention purge failed')),
    RETENTION_SWEEP_MS,
  );
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Readers' data rights and retention: export everything Parley holds about
 * one user on one site, erase it, and purge bodies of rejected and deleted
 * comments after the site's retention period.
 */
export class PrivacyService {
  constructor(private readonly deps: PrivacyDeps) {}

  /** Everything held about `userId` on the site: comments, reactions, flags, subscriptions, moderation state. */
  async export(siteId: string, userId: string): Promise<DataExport> {
    await this.deps.sites.get(siteId);
    const [comments, reactions, flags, ban, trusted] = await Promise.all([
      this.deps.repo.commentsBy(siteId, userId),
      this.deps.repo.reactionsBy(siteId, userId),
      this.deps.repo.flagsBy(siteId, userId),
      this.deps.moderation.banOf(siteId, userId),
      this.deps.moderation.isTrusted(siteId, userId),
    ]);
    const openBan = ban && !ban.shadow && (ban.until === null || ban.until > new Date()) ? ban : null;
    return {
      siteId,
      userId,
      exportedAt: new Date().toISOString(),
      comments: comments.map((c) => ({
        id: c.id,
        pageId: c.pageId,
        parentId: c.parentId,
        // A comment under a shadow ban is, to its author, a visible comment like any other.
        status: c.status,
        authorName: c.authorName,
        authorAvatar: c.authorAvatar,
        body: c.body,
        createdAt: c.createdAt.toISOString(),
        editedAt: c.editedAt ? c.editedAt.toISOString() : null,
      })),
      reactions: reactions.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
      flags: flags.map((f) => ({ ...f, createdAt: f.createdAt.toISOString() })),
      subscriptions: comments.filter((c) => c.notifyReplies).map((c) => ({ commentId: c.id, pageId: c.pageId })),
      moderation: {
        banned: openBan !== null,
        banUntil: openBan?.until ? openBan.until.toISOString() : null,
        trusted,
      },
    };
  }

  /**
   * Erases `userId` from the site: every comment becomes a tombstone (counts
   * and open pages follow, as for any deletion), is blanked for good, and goes
   * entirely unless it holds other readers' replies up; reactions and flags go
   * with the counters they moved. A ban stays (it is the site's record, not
   * the reader's data); so does the audit log of moderators' actions.
   */
  async erase(siteId: string, userId: string): Promise<DataErasure> {
    await this.deps.sites.get(siteId);
    const comments = await this.deps.repo.commentsBy(siteId, userId);
    for (const c of comments) {
      if (c.status === 'deleted') continue;
      await this.deps.comments
        .applyChange(c, { status: 'deleted', body: '', html: '', flagOpen: false }, ['visible', 'pending', 'rejected'])
        .catch((err: unknown) => {
          // Deleted meanwhile by a moderator: the scrub below blanks it all the same.
          if (!(err instanceof AppError && err.code === 'conflict')) throw err;
        });
    }
    for (const c of comments) await this.deps.repo.scrub(c.id);
    const removed = await this.deps.repo.removeUnreplied(comments.map((c) => c.id));
    const reactions = await this.deps.repo.removeReactions(siteId, userId);
    for (const r of reactions) {
      const updated = await this.deps.commentsRepo.increment(r.commentId, { likeCount: -1 });
      if (updated) this.deps.events.emit('comment.updated', { comment: updated, previousStatus: updated.status });
    }
    const flags = await this.deps.repo.removeFlags(siteId, userId);
    for (const f of flags) await this.deps.commentsRepo.increment(f.commentId, { flagCount: -1 });
    await this.deps.moderation.untrust(siteId, userId);
    this.deps.logger?.info({ siteId, comments: comments.length }, "a reader's data was erased");
    return {
      comments: { tombstoned: comments.length - removed, removed },
      reactions: reactions.length,
      flags: flags.length,
    };
  }

  /** Blanks bodies of rejected and deleted comments past each site's `retentionDays`; returns how many. */
  async purgeRetention(now = new Date()): Promise<number> {
    let purged = 0;
    for (const site of await this.deps.sites.list()) {
      if (!site.retentionDays) continue;
      purged += await this.deps.repo.purgeBodies(site.siteId, new Date(now.getTime() - site.retentionDays * DAY_MS));
    }
    return purged;
  }
}
