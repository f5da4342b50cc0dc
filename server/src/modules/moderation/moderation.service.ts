import type { Comment as PublicComment, CommentStatus } from '@parley/protocol';
import { errors } from '../../errors';
import type { DomainEvents } from '../../domain-events';
import type { Principal } from '../auth/principal';
import type { Comment } from '../comments/comment';
import type { CommentsService, ModeratedPage } from '../comments/comments.service';
import type { PagesService } from '../pages/pages.service';
import type { ModerationRepository } from './moderation.repository';

/** Input of {@link ModerationService.recent} (parsed by `recentSchema`). */
export interface RecentInput {
  limit: number;
  cursor?: string | null;
  authorId?: string;
  text?: string;
  status?: CommentStatus;
}

/** A moderator acting on their own site (verified at the admin handshake). */
export interface Moderator {
  siteId: string;
  principal: Principal;
}

/** Dependencies of {@link ModerationService}. */
export interface ModerationDeps {
  comments: CommentsService;
  repo: ModerationRepository;
  pages: PagesService;
  events: DomainEvents;
}

/** Moderator actions; each one is written to the audit log. */
export class ModerationService {
  constructor(private readonly deps: ModerationDeps) {}

  private commentOf(mod: Moderator, id: string): Promise<Comment> {
    return this.deps.comments.findOnSite(mod.siteId, id);
  }

  private async audit(
    mod: Moderator,
    action: string,
    targetType: 'comment' | 'user' | 'page',
    targetId: string,
    reason?: string | null,
  ): Promise<void> {
    await this.deps.repo.audit({
      siteId: mod.siteId,
      actorId: mod.principal.userId,
      actorName: mod.principal.name,
      action,
      targetType,
      targetId,
      reason: reason ?? null,
    });
  }

  private async view(c: Comment): Promise<PublicComment> {
    const [view] = await this.deps.comments.forModerators([c]);
    return view!;
  }

  /** Deletes a comment; readers get `comment:deleted`. */
  async deleteComment(mod: Moderator, commentId: string, reason?: string): Promise<PublicComment> {
    const c = await this.commentOf(mod, commentId);
    const updated =
      c.status === 'deleted'
        ? c
        : await this.deps.comments.applyChange(
            c,
            { status: 'deleted', body: '', html: '', flagOpen: false, modReason: reason ?? null },
            ['visible', 'pending', 'rejected'],
          );
    await this.audit(mod, 'comment.delete', 'comment', commentId, reason);
    return this.view(updated);
  }

  /** Publishes a held comment (or dismisses flags on a visible one); trusts its author from now on. */
  async approve(mod: Moderator, commentId: string): Promise<PublicComment> {
    const c = await this.commentOf(mod, commentId);
    if (c.status === 'deleted') throw errors.conflict('a deleted comment cannot be approved');
    // Approving a comment written under a shadow ban publishes it for everyone.
    const updated = await this.deps.comments.applyChange(
      c,
      { status: 'visible', modReason: null, flagOpen: false, shadow: false },
      ['pending', 'rejected', 'visible'],
    );
    await this.deps.repo.trust(mod.siteId, c.authorId, mod.principal.userId);
    await this.audit(mod, 'comment.approve', 'comment', commentId);
    return this.view(updated);
  }

  /** Rejects a comment: hidden from readers, still visible to its author and moderators. */
  async reject(mod: Moderator, commentId: string, reason?: string): Promise<PublicComment> {
    const c = await this.commentOf(mod, commentId);
    if (c.status === 'deleted') throw errors.conflict('a deleted comment cannot be rejected');
    const updated = await this.deps.comments.applyChange(
      c,
      { status: 'rejected', flagOpen: false, modReason: reason ?? 'rejected by a moderator' },
      ['pending', 'visible', 'rejected'],
    );
    await this.audit(mod, 'comment.reject', 'comment', commentId, reason);
    return this.view(updated);
  }

  /** Bans a user on the moderator's site, optionally until a time; `shadow` keeps them writing unseen. */
  async ban(mod: Moderator, userId: string, reason?: string, until?: string | null, shadow = false): Promise<void> {
    const untilDate = until ? new Date(until) : null;
    if (untilDate && untilDate.getTime() <= Date.now()) throw errors.badRequest('until: must be in the future');
    await this.deps.repo.ban({
      siteId: mod.siteId,
      userId,
      until: untilDate,
      reason: reason ?? null,
      by: mod.principal.userId,
      shadow,
    });
    this.deps.events.emit('moderation.changed', { siteId: mod.siteId });
    await this.audit(mod, shadow ? 'user.shadowban' : 'user.ban', 'user', userId, reason);
  }

  /** Lifts a ban. */
  async unban(mod: Moderator, userId: string): Promise<void> {
    await this.deps.repo.unban(mod.siteId, userId);
    this.deps.events.emit('moderation.changed', { siteId: mod.siteId });
    await this.audit(mod, 'user.unban', 'user', userId);
  }

  /** Locks or unlocks a page; readers get `page:locked`. */
  async lock(mod: Moderator, pageId: string, locked: boolean): Promise<void> {
    await this.deps.pages.setLocked(mod.siteId, pageId, locked);
    this.deps.events.emit('page.locked', { siteId: mod.siteId, pageId, locked });
    await this.audit(mod, locked ? 'page.lock' : 'page.unlock', 'page', pageId);
  }

  /** A page of the pending or flagged queue, newest first. */
  queue(mod: Moderator, status: 'pending' | 'flagged', limit: number, cursor: string | null): Promise<ModeratedPage> {
    return this.deps.comments.queue(mod.siteId, status, limit, cursor);
  }

  /**
   * The site's latest comments of every status (the moderation page's Recent
   * column), or a search by author id and/or text within the site. Not audited:
   * it reads, it does not act.
   */
  recent(mod: Moderator, q: RecentInput): Promise<ModeratedPage> {
    return this.deps.comments.recent({
      siteId: mod.siteId,
      limit: q.limit,
      beforeId: q.cursor ?? null,
      authorId: q.authorId,
      text: q.text,
      statuses: q.status ? [q.status] : undefined,
    });
  }
}
