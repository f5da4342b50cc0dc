import { randomBytes } from 'node:crypto';
import type { Comment as PublicComment, CommentPage, CommentStatus, SortOrder } from '@parley/protocol';
import { isDuplicateKey } from '../../infra/mongo';
import { AppError, errors } from '../../errors';
import type { DomainEvents } from '../../domain-events';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { isModerator, type ActorContext, type Principal } from '../auth/principal';
import {
  POST_CHECKS,
  WRITE_CHECKS,
  blockedWords,
  guestsAllowed,
  notBanned,
  linkHold,
  runChecks,
  type CheckInput,
} from './checks';
import type { PageMeta, PagesService } from '../pages/pages.service';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import type { SiteRecord } from '../sites/sites.mapper';
import type { SitesService } from '../sites/sites.service';
import { decodeCursor, encodeCursor } from './cursor';
import type { DuplicateGuard } from './duplicate-guard';
import { authorFields, isPublic, type Comment } from './comment';
import type { CommentsRepository, ListAudience, RecentQuery } from './comments.repository';
import { honeypotGhost } from '../trust/honeypot';
import type { ProofOfWork } from '../trust/pow.service';
import { toPublicComment } from './comments.mapper';
import { ListingCache } from './listing-cache';
import { renderBody } from './render';
import type { ListInput, PostInput } from './comments.schemas';

/** What posting needs to know of an author's standing on a site (the moderation store answers it). */
export interface AuthorStanding {
  banState(siteId: string, userId: string): Promise<'none' | 'banned' | 'shadow'>;
  /** Whether a moderator has approved one of the author's comments on the site. */
  isTrusted(siteId: string, userId: string): Promise<boolean>;
}

/** A page of comments as moderators see them. */
export interface ModeratedPage {
  comments: PublicComment[];
  nextCursor: string | null;
}

/** Dependencies of {@link CommentsService}. */
export interface CommentsDeps {
  repo: CommentsRepository;
  pages: PagesService;
  moderation: AuthorStanding;
  sites: SitesService;
  rateLimits: RateLimitService;
  /** The same body twice on one page within a minute is refused. */
  duplicates: DuplicateGuard;
  events: DomainEvents;
  metrics: Metrics;
  /** Where a failed counter update is reported (it no longer fails the post that caused it). */
  logger?: Logger;
  /** Checks and spends proof-of-work solutions where a site asks for them (absent: never asked). */
  pow?: ProofOfWork;
  /** Test-only: runs between a new comment's store write and its announcement (fault tests kill the node here). */
  beforeAnnounce?: (comment: Comment) => void;
}

/** How long a post waits for its comment's announcement to be handed to the other nodes before answering anyway. */
export const ANNOUNCE_TIMEOUT_MS = 1000;

/** Result of a post: the comment and how to answer (201 new, 202 held, 200 replay). */
export interface PostResult {
  comment: PublicComment;
  httpStatus: 200 | 201 | 202;
}

/** The comment use cases, shared by REST and Socket.IO so the two cannot drift. */
export class CommentsService {
  private readonly listings = new ListingCache();
  constructor(private readonly deps: CommentsDeps) {
    const forget = ({ comment: c }: { comment: Comment }) => this.listings.invalidate(c.siteId, c.pageId);
    deps.events.on('comment.created', forget);
    deps.events.on('comment.updated', forget);
    deps.events.on('comment.deleted', forget);
  }

  private principal(site: SiteRecord, ctx: ActorContext): Principal | null {
    if (ctx.siteId !== site.siteId) throw errors.forbidden('this connection belongs to another site');
    return ctx.principal;
  }

  private requirePrincipal(site: SiteRecord, ctx: ActorContext): Principal {
    const p = this.principal(site, ctx);
    if (!p) throw new AppError('invalid_token', 'sign in to do this');
    return p;
  }

  private async checkInput(
    site: SiteRecord,
    pageId: string,
    p: Principal,
    body: string,
    needTrust: boolean,
  ): Promise<CheckInput & { shadow: boolean }> {
    const moderator = isModerator(p);
    // Trust (a moderator approved one of their comments) matters to `first` moderation, link holds and proof of work.
    const askTrust =
      needTrust && !moderator && (site.moderation === 'first' || site.linkHold !== null || site.proofOfWork === 'untrusted');
    const [locked, ban, trusted] = await Promise.all([
      this.deps.pages.isLocked(site.siteId, pageId),
      moderator ? ('none' as const) : this.deps.moderation.banState(site.siteId, p.userId),
      askTrust ? this.deps.moderation.isTrusted(site.siteId, p.userId) : true,
    ]);
    const untrusted = !moderator && (p.guest || !trusted);
    return {
      site,
      author: { guest: p.guest, moderator, banned: ban === 'banned', trusted, untrusted },
      page: { locked },
      body,
      shadow: ban === 'shadow',
    };
  }

  /** Whether this post must carry a proof of work (the site's `proofOfWork` setting). */
  private needsWork(site: SiteRecord, input: CheckInput): boolean {
    if (!this.deps.pow || input.author.moderator) return false;
    switch (site.proofOfWork) {
      case 'everyone':
        return true;
      case 'untrusted':
        return input.author.untrusted === true;
      case 'guests':
        return input.author.guest;
      default:
        return false;
    }
  }

  private async commentOfSite(id: string): Promise<{ comment: Comment; site: SiteRecord }> {
    const comment = await this.deps.repo.find(id);
    if (!comment) throw errors.notFound('comment');
    const site = await this.deps.sites.find(comment.siteId);
    if (!site) throw errors.notFound('comment');
    return { comment, site };
  }

  /** The site a comment belongs to, for adapters to authenticate against (`404` when the comment or its site is gone). */
  async siteOf(id: string): Promise<string> {
    return (await this.commentOfSite(id)).site.siteId;
  }

  /** One page of a thread level (SPEC: `{ comments, nextCursor, total }`). */
  async list(ctx: ActorContext, pageId: string, input: ListInput): Promise<CommentPage> {
    const siteId = ctx.siteId;
    const site = await this.deps.sites.get(siteId);
    const p = this.principal(site, ctx);
    // Anonymous listings are the same for every reader, so hot threads are served from this node's cache.
    if (!p) {
      const key = `${input.parentId ?? ''}\u0000${input.sort}\u0000${input.limit}\u0000${input.cursor ?? ''}`;
      return this.listings.get(siteId, pageId, key, () => this.load(siteId, pageId, input, null));
    }
    return this.load(siteId, pageId, input, p);
  }

  private async load(siteId: string, pageId: string, input: ListInput, p: Principal | null): Promise<CommentPage> {
    const audience: ListAudience = isModerator(p)
      ? { kind: 'moderator' }
      : p
        ? { kind: 'author', userId: p.userId }
        : { kind: 'public' };
    const sort = input.sort as SortOrder;
    const after = input.cursor ? decodeCursor(input.cursor, sort) : null;
    // A shadow-banned author's own counts include what only they see, so nothing gives the ban away.
    const shadowed =
      audience.kind === 'author' && (await this.deps.moderation.banState(siteId, audience.userId)) === 'shadow'
        ? await this.deps.repo.shadowParents(siteId, pageId, audience.userId)
        : [];
    const ownUnder = (parentId: string) => shadowed.filter((id) => id === parentId).length;
    let total: number;
    if (input.parentId) {
      await this.deps.pages.summary(siteId, pageId); // waits for this node's counter writes to the page
      const parent = await this.deps.repo.find(input.parentId);
      if (!parent || parent.siteId !== siteId || parent.pageId !== pageId) throw errors.notFound('parent comment');
      total = parent.replyCount + ownUnder(parent.id);
    } else {
      total = (await this.deps.pages.visibleCount(siteId, pageId)) + shadowed.length;
    }
    const { items, more } = await this.deps.repo.list({
      siteId,
      pageId,
      parentId: input.parentId ?? null,
      sort,
      limit: input.limit,
      after,
      audience,
    });
    const reacted = p
      ? await this.deps.repo.reactionsOf(
          p.userId,
          items.map((c) => c.id),
        )
      : null;
    const last = items[items.length - 1];
    return {
      // Anonymous readers get `viewer: { reacted: [] }` too: only room broadcasts leave `viewer` out (SPEC).
      comments: items.map((c) =>
        toPublicComment(shadowed.length ? { ...c, replyCount: c.replyCount + ownUnder(c.id) } : c, {
          reacted: reacted?.get(c.id) ?? [],
          moderator: audience.kind === 'moderator',
        }),
      ),
      nextCursor: more && last ? encodeCursor({ sort, id: last.id, likes: last.likeCount }) : null,
      total: Math.max(0, total),
    };
  }

  /** Posts a comment or reply; idempotent per (author, clientNonce). */
  async post(ctx: ActorContext, pageId: string, input: PostInput): Promise<PostResult> {
    const siteId = ctx.siteId;
    const end = this.deps.metrics.postAck.startTimer();
    let outcome = 'refused';
    const site = await this.deps.sites.get(siteId);
    const p = this.requirePrincipal(site, ctx);
    if (input.honeypot) {
      this.deps.logger?.info({ siteId, userId: p.userId }, 'honeypot filled: post dropped');
      this.deps.metrics.spamRefusals.inc({ reason: 'honeypot' });
      return { comment: this.forViewer(honeypotGhost(siteId, pageId, p, input), p, []), httpStatus: 202 };
    }
    try {
      const result = await this.create(site, p, pageId, input, ctx.ip);
      outcome = 'stored';
      return result;
    } catch (err) {
      // A client retrying a post whose acknowledgement it never saw gets the first comment
      // back, even if the page was locked or its budget spent meanwhile. Looked up only on
      // this refusal path: the hot path relies on the unique (author, nonce) index instead.
      if (input.clientNonce && err instanceof AppError) {
        const first = await this.deps.repo.findByNonce(siteId, p.userId, input.clientNonce);
        if (first && first.pageId === pageId) return this.replay(first, p);
      }
      throw err;
    } finally {
      end({ outcome });
    }
  }

  private async create(site: SiteRecord, p: Principal, pageId: string, input: PostInput, ip: string): Promise<PostResult> {
    const siteId = site.siteId;
    let parentId: string | null = null;
    let depth = 0;
    if (input.parentId) {
      const parent = await this.deps.repo.find(input.parentId);
      if (!parent || parent.siteId !== siteId || parent.pageId !== pageId) throw errors.notFound('parent comment');
      if (parent.status !== 'visible' || (parent.shadow && parent.authorId !== p.userId))
        throw errors.unprocessable('the comment you reply to is not visible');
      // At the depth cap a reply joins its parent's level instead of nesting deeper.
      if (parent.depth >= site.maxDepth) ({ parentId, depth } = { parentId: parent.parentId, depth: parent.depth });
      else ({ parentId, depth } = { parentId: parent.id, depth: parent.depth + 1 });
    }
    const checked = await this.checkInput(site, pageId, p, input.body, true);
    const verdict = runChecks(POST_CHECKS, checked);
    if (verdict.kind === 'refuse') throw verdict.error;
    const status: CommentStatus = verdict.kind === 'hold' ? 'pending' : 'visible';
    // Spent before the budgets: a post refused for want of work costs the poster nothing else.
    if (this.needsWork(site, checked))
      await this.deps.pow!.spend(site, input.proofOfWork).catch((err: unknown) => {
        this.deps.metrics.spamRefusals.inc({ reason: 'pow' });
        throw err;
      });
    const shadow = checked.shadow;

    const nonce = input.clientNonce ?? `srv-${randomBytes(12).toString('base64url')}`;
    const dupKey = [siteId, p.userId, pageId, input.body];
    const claim = await this.deps.duplicates.claim(dupKey, nonce);
    if (claim === 'duplicate') throw errors.conflict('you just posted the same comment here');
    try {
      // A concurrent retry with the same nonce was already counted once.
      if (claim === 'claimed') {
        // Both budgets in one Redis round trip (a post refused per user also counts against its IP).
        const [byUser, byIp] = await Promise.all([
          this.deps.rateLimits.consume('postsPerMinutePerUser', site.limits, `${siteId}:${p.userId}`),
          this.deps.rateLimits.consume('postsPerMinutePerIp', site.limits, `${siteId}:${ip}`),
        ]);
        for (const decision of [byUser, byIp]) if (!decision.allowed) throw errors.rateLimited(decision.retryAfterMs);
        void this.deps.rateLimits.countSitePost(siteId);
      }
      const meta = { title: input.pageTitle, url: input.pageUrl };
      // A visible comment's counter upsert creates the page after the acknowledgement; a held one creates it now.
      if (status !== 'visible') await this.deps.pages.ensure(siteId, pageId, meta);
      const comment = await this.deps.repo.insert({
        siteId,
        pageId,
        parentId,
        depth,
        ...authorFields(p),
        body: input.body,
        html: renderBody(input.body),
        status,
        clientNonce: nonce,
        createdAt: new Date(),
        modReason: verdict.kind === 'hold' ? verdict.reason : null,
        ...(shadow ? { shadow: true } : {}),
      });
      this.deps.metrics.commentsCreated.inc({ status });
      this.deps.beforeAnnounce?.(comment);
      // Acknowledged only once the announcement is on its way to every node (bounded: a Redis
      // that hangs costs at most its command deadline), so a node that dies right after
      // acknowledging has already handed the event over. The counters are not waited for: they
      // are derived data, and totals read on this node wait for them (countsSettled).
      await this.deps.events.emitAndSettle('comment.created', { comment }, ANNOUNCE_TIMEOUT_MS);
      // A comment under a shadow ban is counted nowhere: nobody else may notice it.
      if (isPublic(comment))
        this.trackCounts(comment, +1, meta).catch((err: unknown) =>
          this.deps.logger?.error(
            { err, commentId: comment.id },
            'counter update after a post failed; the page total is off by one',
          ),
        );
      return { comment: this.forViewer(comment, p, []), httpStatus: status === 'visible' ? 201 : 202 };
    } catch (err) {
      if (isDuplicateKey(err)) {
        const first = await this.deps.repo.findByNonce(siteId, p.userId, nonce);
        if (first) return this.replay(first, p);
      }
      if (claim === 'claimed') await this.deps.duplicates.release(dupKey);
      throw err;
    }
  }

  private async replay(first: Comment, p: Principal): Promise<PostResult> {
    // The first attempt may have died between its store write and its announcement.
    await this.deps.events.emitAndSettle('comment.retried', { comment: first }, ANNOUNCE_TIMEOUT_MS);
    const reacted = await this.deps.repo.reactionsOf(p.userId, [first.id]);
    return { comment: this.forViewer(first, p, reacted.get(first.id) ?? []), httpStatus: first.status === 'pending' ? 202 : 200 };
  }

  private forViewer(c: Comment, p: Principal | null, reacted: string[]): PublicComment {
    return toPublicComment(c, { reacted, moderator: isModerator(p) });
  }

  /** Edits a comment's body: its author only, inside the site's edit window. */
  async edit(ctx: ActorContext, id: string, body: string): Promise<PublicComment> {
    const { comment, site } = await this.commentOfSite(id);
    const p = this.requirePrincipal(site, ctx);
    if (comment.authorId !== p.userId) throw errors.forbidden('only the author can edit a comment');
    if (comment.status === 'deleted' || comment.status === 'rejected') throw errors.notFound('comment');
    if (Date.now() - comment.createdAt.getTime() > site.editWindowSec * 1000)
      throw errors.forbidden('the edit window for this comment has passed');
    const input = await this.checkInput(site, comment.pageId, p, body, true);
    const verdict = runChecks(WRITE_CHECKS, input);
    if (verdict.kind === 'refuse') throw verdict.error;
    const held = runChecks([blockedWords, linkHold], input);
    const set: Partial<Comment> = { body, html: renderBody(body), editedAt: new Date() };
    if (held.kind === 'hold' && comment.status === 'visible') Object.assign(set, { status: 'pending', modReason: held.reason });
    const updated = await this.applyChange(comment, set, ['visible', 'pending']);
    const reacted = await this.deps.repo.reactionsOf(p.userId, [id]);
    return this.forViewer(updated, p, reacted.get(id) ?? []);
  }

  /** Deletes a comment (its author or a moderator): a tombstone while it has replies. */
  async remove(ctx: ActorContext, id: string): Promise<PublicComment> {
    const { comment, site } = await this.commentOfSite(id);
    const p = this.requirePrincipal(site, ctx);
    if (comment.authorId !== p.userId && !isModerator(p))
      throw errors.forbidden('only the author or a moderator can delete a comment');
    if (comment.status === 'deleted') return this.forViewer(comment, p, []);
    const updated = await this.applyChange(comment, { status: 'deleted', body: '', html: '', flagOpen: false }, [
      'visible',
      'pending',
      'rejected',
    ]);
    return this.forViewer(updated, p, []);
  }

  /**
   * Changes a comment (guarded by its expected current statuses), keeps the
   * page and parent counters right for visibility changes, and announces it.
   * Moderation uses this too, so every status change follows one path.
   */
  async applyChange(comment: Comment, set: Partial<Comment>, fromStatuses: CommentStatus[]): Promise<Comment> {
    const { id: _id, parentId: _p, ...fields } = set;
    if (fields.status !== undefined && fields.status !== comment.status) fields.statusAt = new Date();
    const updated = await this.deps.repo.update(comment.id, fields as Parameters<CommentsRepository['update']>[1], fromStatuses);
    if (!updated) throw errors.conflict('the comment changed meanwhile; reload and try again');
    const was = isPublic(comment);
    const is = isPublic(updated);
    if (was !== is) await this.trackCounts(updated, is ? +1 : -1);
    if (updated.status === 'deleted' && comment.status !== 'deleted')
      this.deps.events.emit('comment.deleted', { comment: updated, previousStatus: comment.status });
    else
      this.deps.events.emit('comment.updated', {
        comment: updated,
        previousStatus: comment.status,
        shadowBefore: comment.shadow,
      });
    return updated;
  }

  /** Moves the page's visible count and the parent's reply count together (tracked by the pages service). */
  private trackCounts(c: Comment, delta: number, meta?: PageMeta): Promise<void> {
    const parent = c.parentId ? this.deps.repo.increment(c.parentId, { replyCount: delta }) : undefined;
    return this.deps.pages.addVisible(c.siteId, c.pageId, delta, meta, parent);
  }

  /** Sets or unsets the viewer's reaction; idempotent. */
  async react(ctx: ActorContext, id: string, type: string, on: boolean): Promise<PublicComment> {
    const { comment, site } = await this.commentOfSite(id);
    const p = this.requirePrincipal(site, ctx);
    if (comment.status !== 'visible' || (comment.shadow && comment.authorId !== p.userId)) throw errors.notFound('comment');
    const verdict = runChecks(WRITE_CHECKS, await this.checkInput(site, comment.pageId, p, '', false));
    if (verdict.kind === 'refuse') throw verdict.error;
    const changed = on
      ? await this.deps.repo.addReaction(site.siteId, id, p.userId, type)
      : await this.deps.repo.removeReaction(id, p.userId, type);
    let current = comment;
    if (changed) {
      current = (await this.deps.repo.increment(id, { likeCount: on ? 1 : -1 })) ?? comment;
      this.deps.events.emit('comment.updated', { comment: current, previousStatus: current.status });
    }
    const reacted = await this.deps.repo.reactionsOf(p.userId, [id]);
    return this.forViewer(current, p, reacted.get(id) ?? []);
  }

  /** Flags a comment for moderators; one flag per reader and comment. */
  async flag(ctx: ActorContext, id: string, reason: string): Promise<{ commentId: string; reason: string; createdAt: string }> {
    const { comment, site } = await this.commentOfSite(id);
    const p = this.requirePrincipal(site, ctx);
    if (comment.status !== 'visible' || (comment.shadow && comment.authorId !== p.userId)) throw errors.notFound('comment');
    const verdict = runChecks([guestsAllowed, notBanned], await this.checkInput(site, comment.pageId, p, '', false));
    if (verdict.kind === 'refuse') throw verdict.error;
    await this.deps.rateLimits.enforce('flagsPerHourPerUser', site.limits, `${site.siteId}:${p.userId}`);
    const added = await this.deps.repo.addFlag({
      siteId: site.siteId,
      commentId: id,
      pageId: comment.pageId,
      userId: p.userId,
      reason,
    });
    if (!added) throw errors.conflict('you have already flagged this comment');
    const updated = (await this.deps.repo.increment(id, { flagCount: 1 }, { flagOpen: true })) ?? comment;
    const createdAt = new Date().toISOString();
    this.deps.events.emit('flag.created', {
      comment: updated,
      flag: { commentId: id, pageId: comment.pageId, reason, userId: p.userId, flagCount: updated.flagCount, createdAt },
    });
    return { commentId: id, reason, createdAt };
  }

  /** A comment of a site, or `404` (moderators act only on their own site's comments). */
  async findOnSite(siteId: string, id: string): Promise<Comment> {
    const c = await this.deps.repo.find(id);
    if (!c || c.siteId !== siteId) throw errors.notFound('comment');
    return c;
  }

  /** Comments as moderators see them: every status, with the reasons of their flags (looked up for `withReasons`). */
  async forModerators(items: Comment[], withReasons: Comment[] = items): Promise<PublicComment[]> {
    const reasons = await this.deps.repo.flagReasons(withReasons.map((c) => c.id));
    return items.map((c) => toPublicComment(c, { moderator: true, flagReasons: reasons.get(c.id) ?? [] }));
  }

  /** A page of a site's pending or flagged queue, newest first, as moderators see it. */
  async queue(siteId: string, kind: 'pending' | 'flagged', limit: number, cursor: string | null): Promise<ModeratedPage> {
    return this.moderatedPage(await this.deps.repo.queue(siteId, kind, limit, cursor));
  }

  /** A site's latest comments of every status (or a search among them), as moderators see them. */
  async recent(q: RecentQuery): Promise<ModeratedPage> {
    return this.moderatedPage(await this.deps.repo.recent(q));
  }

  private async moderatedPage({ items, more }: { items: Comment[]; more: boolean }): Promise<ModeratedPage> {
    // Only flagged comments have reasons to look up: a page of the pending queue usually needs no lookup at all.
    const comments = await this.forModerators(
      items,
      items.filter((c) => c.flagCount > 0),
    );
    return { comments, nextCursor: more ? items[items.length - 1]!.id : null };
  }

  /** Visible comment counts of up to 100 pages. */
  async counts(siteId: string, pageIds: string[]): Promise<Record<string, number>> {
    await this.deps.sites.get(siteId);
    return this.deps.pages.counts(siteId, [...new Set(pageIds)]);
  }
}
