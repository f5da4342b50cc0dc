import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { NotifyConfig } from '../../config';
import type { DomainEvents } from '../../domain-events';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { Principal } from '../auth/principal';
import { isPublic, type Comment as CommentRecord } from '../comments/comment';
import type { CommentsRepository } from '../comments/comments.repository';
import type { PagesRepository } from '../pages/pages.repository';
import type { SiteRecord } from '../sites/sites.mapper';
import type { SitesService } from '../sites/sites.service';
import { GatherWindows } from './gather';
import { renderMail, type MailItem } from './mail-templates';
import { MAIL_TEXTS } from './mail-texts';
import type { Mailer } from './mailer';
import { attemptsFor, backoffDelay, DurableQueue, QUEUE_NAMES, queueConnection } from './queues';
import type { SubscriptionsRepository } from './subscriptions.repository';
import type { UnsubscribeTokens } from './unsubscribe-token';

/** A mail job: one gather window of one stream (a reader's thread, or a moderator). */
export interface MailJob {
  kind: 'reply' | 'moderator';
  siteId: string;
  /** Reply mails: the thread. */
  pageId?: string;
  reader: string;
  stream: string;
}

/** Dependencies of {@link NotificationsService}. */
export interface NotificationsDeps {
  config: NotifyConfig;
  /** Null: no durable queue (the in-process fallback), so no mail at all. */
  redis: Redis | null;
  keyPrefix: string;
  /** Null without SMTP_URL. */
  mailer: Mailer | null;
  subscriptions: SubscriptionsRepository;
  comments: CommentsRepository;
  pages: PagesRepository;
  sites: SitesService;
  tokens: UnsubscribeTokens;
  events: DomainEvents;
  metrics: Metrics;
  logger: Logger;
  /** Where links in mails point (PUBLIC_URL, else this node's address). */
  baseUrl: () => string;
  /** Retry delay of a failed send (doubles per attempt, capped at an hour, for 24 h). */
  retryBaseMs?: number;
}

const HOUR = 3600_000;
/** Delay of a stream's first mail: replies within it join it ("within a minute" of the first reply). */
const FIRST_DELAY_CAP_MS = 30_000;

/** Reply emails and moderator alerts: subscriptions, gathering, the durable mail queue and its worker. */
export class NotificationsService {
  private readonly queue: DurableQueue<MailJob> | null = null;
  private readonly windows: GatherWindows | null = null;
  private readonly conn: Redis | null = null;
  private readonly retryBaseMs: number;
  private readonly attempts: number;
  constructor(private readonly deps: NotificationsDeps) {
    this.retryBaseMs = deps.retryBaseMs ?? 30_000;
    this.attempts = attemptsFor(24 * HOUR, this.retryBaseMs, HOUR);
    if (!deps.redis || !deps.mailer) return;
    this.queue = new DurableQueue<MailJob>(
      QUEUE_NAMES.mail,
      { redis: deps.redis, keyPrefix: deps.keyPrefix, logger: deps.logger },
      {
        attempts: this.attempts,
        backoff: { type: 'custom' },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 10_000 },
      },
    );
    const firstDelay = Math.min(FIRST_DELAY_CAP_MS, deps.config.gatherMs);
    this.conn = queueConnection(deps.redis);
    this.windows = new GatherWindows(this.conn, deps.keyPrefix, deps.config.gatherMs, firstDelay);
    const later = (fn: () => Promise<void>) =>
      void fn().catch((err: unknown) => deps.logger.error({ err }, 'queueing a notification failed'));
    deps.events.on('comment.created', ({ comment }) => later(() => this.onVisible(comment, true)));
    // A retried post whose first attempt may have died before announcing: joining a window twice is harmless
    // (a set), so at worst a reply shows in two consecutive mails, never in none.
    deps.events.on('comment.retried', ({ comment }) => later(() => this.onVisible(comment, true)));
    deps.events.on('comment.updated', ({ comment, previousStatus, shadowBefore }) => {
      // Approved (or a shadow ban lifted): now the reply is public, so its notification is due.
      if (isPublic(comment) && (previousStatus !== 'visible' || shadowBefore)) later(() => this.onVisible(comment, false));
    });
    deps.events.on('flag.created', ({ comment }) => later(() => this.alertModerators(comment, 'flagged')));
  }

  /** Whether reply emails can be offered (SMTP configured and a durable queue in Redis). */
  get available(): boolean {
    return this.queue !== null;
  }

  /** Starts this node's mail worker. */
  start(): void {
    if (!this.queue) return;
    const worker = this.queue.work((job) => this.process(job), {
      concurrency: 2,
      backoff: (n) => backoffDelay(n, this.retryBaseMs, HOUR),
    });
    worker.on('failed', (job, err) => {
      const dead = job ? job.attemptsMade >= (job.opts.attempts ?? 1) : false;
      this.deps.metrics.notificationsFailed.inc({ kind: job?.data.kind ?? 'unknown', outcome: dead ? 'dead' : 'retry' });
      this.deps.logger[dead ? 'error' : 'warn'](
        { err, jobId: job?.id, attempts: job?.attemptsMade },
        'sending a notification failed',
      );
    });
  }

  /** Mail jobs waiting, delayed or being retried. */
  async queued(): Promise<number> {
    return this.queue ? this.queue.pending() : 0;
  }

  /** The dead letters: mails that used up their attempts. */
  async failed(
    limit = 50,
  ): Promise<{ id: string; kind: string; siteId: string; attempts: number; reason: string; failedAt: string | null }[]> {
    if (!this.queue) return [];
    return (await this.queue.failed(limit)).map((j) => ({
      id: j.id ?? '',
      kind: j.data.kind,
      siteId: j.data.siteId,
      attempts: j.attemptsMade,
      reason: j.failedReason?.slice(0, 300) ?? '',
      failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
    }));
  }

  /** Records a reader's wish to hear about replies to a comment they just posted (no-op when mail is off). */
  async subscribe(comment: CommentRecord, p: Principal): Promise<void> {
    if (!this.available || !p.email) return;
    await this.deps.subscriptions.add({
      siteId: comment.siteId,
      pageId: comment.pageId,
      commentId: comment.id,
      userId: p.userId,
      email: p.email,
      reader: this.deps.tokens.reader(comment.siteId, p.email),
      createdAt: new Date(),
    });
  }

  private async onVisible(c: CommentRecord, created: boolean): Promise<void> {
    if (created && c.status === 'pending') await this.alertModerators(c, 'pending');
    if (!isPublic(c) || !c.parentId || !this.windows) return;
    const sub = await this.deps.subscriptions.ofComment(c.parentId);
    if (!sub || sub.userId === c.authorId) return;
    const thread = createHash('sha256').update(`${c.siteId}\u0000${c.pageId}`).digest('hex').slice(0, 16);
    await this.enqueue(
      { kind: 'reply', siteId: c.siteId, pageId: c.pageId, reader: sub.reader, stream: `r.${sub.reader}.${thread}` },
      c.id,
    );
  }

  private async alertModerators(c: CommentRecord, why: 'pending' | 'flagged'): Promise<void> {
    if (!this.windows || c.shadow) return;
    const site = await this.deps.sites.find(c.siteId);
    for (const email of site?.moderatorEmails ?? []) {
      const reader = this.deps.tokens.reader(c.siteId, email);
      await this.enqueue({ kind: 'moderator', siteId: c.siteId, reader, stream: `m.${reader}` }, `${why}.${c.id}`);
    }
  }

  private async enqueue(job: MailJob, item: string): Promise<void> {
    const { windowId, dueAt } = await this.windows!.join(job.stream, item);
    // Every item re-adds its window's job: a no-op when it exists, a repair when a crash lost the first add.
    await this.queue!.add(job.kind, job, { jobId: windowId, delay: Math.max(0, dueAt - Date.now()) });
  }

  /** Runs one mail job: closes its window and sends what is still worth sending. */
  private async process(job: Job<MailJob>): Promise<void> {
    const items = await this.windows!.close(job.data.stream, job.id!);
    const site = await this.deps.sites.find(job.data.siteId);
    const mail =
      site && items.length
        ? await (job.data.kind === 'reply' ? this.replyMail(site, job.data, items) : this.modMail(site, job.data, items))
        : null;
    if (mail) {
      await this.deps.mailer!.send({ ...mail, messageId: `<${job.id!.replace(/[^A-Za-z0-9._-]/g, '')}@parley>` });
      this.deps.metrics.notificationsSent.inc({ kind: job.data.kind });
    }
    await this.windows!.done(job.id!);
  }

  private unsubscribeLink(siteId: string, reader: string, scope: string): string {
    return `${this.deps.baseUrl()}/api/v1/unsubscribe?t=${this.deps.tokens.sign({ siteId, reader, scope })}`;
  }

  private headers(primary: string): Record<string, string> {
    return { 'List-Unsubscribe': `<${primary}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }

  private async replyMail(site: SiteRecord, job: MailJob, items: string[]) {
    const pageId = job.pageId!;
    const subs = await this.deps.subscriptions.ofReaderOnPage(site.siteId, pageId, job.reader);
    if (!subs.length || (await this.deps.subscriptions.optedOut(job.reader, [pageId, '*']))) return null;
    const parents = new Set(subs.map((s) => s.commentId));
    const own = new Set(subs.map((s) => s.userId));
    const replies = (await Promise.all(items.map((id) => this.deps.comments.find(id)))).filter(
      (c): c is CommentRecord => !!c && isPublic(c) && !!c.parentId && parents.has(c.parentId) && !own.has(c.authorId),
    );
    if (!replies.length) return null;
    replies.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const t = MAIL_TEXTS[site.language];
    const meta = (await this.deps.pages.meta(site.siteId, [pageId])).get(pageId);
    const title = meta?.title ?? pageId;
    const thread = this.unsubscribeLink(site.siteId, job.reader, pageId);
    const everything = this.unsubscribeLink(site.siteId, job.reader, '*');
    const rendered = renderMail({
      subject: t.replySubject(replies.length, title),
      intro: t.replyIntro(replies.length),
      items: replies.map((c): MailItem => ({ author: c.authorName, body: c.body })),
      link: { href: pageLink(site, pageId, meta?.url ?? null, this.deps.baseUrl()), label: t.read },
      unsubscribe: [
        { href: thread, label: t.unsubThread },
        { href: everything, label: t.unsubSite(site.name) },
      ],
      texts: t,
    });
    return { to: subs[0]!.email, ...rendered, headers: this.headers(thread) };
  }

  private async modMail(site: SiteRecord, job: MailJob, items: string[]) {
    const email = site.moderatorEmails.find((e) => this.deps.tokens.reader(site.siteId, e) === job.reader);
    if (!email || (await this.deps.subscriptions.optedOut(job.reader, ['mod']))) return null;
    const t = MAIL_TEXTS[site.language];
    const listed: MailItem[] = [];
    for (const item of items.sort()) {
      const [why, id] = item.split('.') as ['pending' | 'flagged', string];
      const c = await this.deps.comments.find(id);
      if (!c || (why === 'pending' ? c.status !== 'pending' : c.status === 'deleted' || c.status === 'rejected')) continue;
      listed.push({ author: c.authorName, body: c.body, label: why === 'pending' ? t.pending : t.flagged });
    }
    if (!listed.length) return null;
    const unsub = this.unsubscribeLink(site.siteId, job.reader, 'mod');
    const rendered = renderMail({
      subject: t.modSubject(listed.length, site.name),
      intro: t.modIntro(listed.length),
      items: listed,
      link: { href: `${this.deps.baseUrl()}/moderate?site=${encodeURIComponent(site.siteId)}`, label: t.moderate },
      unsubscribe: [{ href: unsub, label: t.unsubMod }],
      texts: t,
    });
    return { to: email, ...rendered, headers: this.headers(unsub) };
  }

  /** Stops the worker (finishing the jobs it runs) and closes the queue's connections. */
  async close(): Promise<void> {
    await this.queue?.close();
    this.conn?.disconnect();
    this.deps.mailer?.close();
  }
}

/** The page a mail links to: its stored URL, else the site's first origin plus a path-like pageId, else Parley itself. */
export function pageLink(site: Pick<SiteRecord, 'origins'>, pageId: string, url: string | null, baseUrl: string): string {
  if (url) return url;
  if (site.origins[0] && pageId.startsWith('/')) return `${site.origins[0]}${pageId}`;
  return baseUrl;
}
