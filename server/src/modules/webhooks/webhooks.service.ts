import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Webhook, WebhookDelivery, WebhookEventType } from '@parley/protocol';
import type { DomainEvents } from '../../domain-events';
import { AppError, errors } from '../../errors';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { attemptsFor, backoffDelay, DurableQueue, QUEUE_NAMES } from '../notifications/queues';
import type { SecretBox } from '../sites/secret-box';
import type { SitesService } from '../sites/sites.service';
import { postWebhook, signatureHeader } from './webhook-delivery';
import { onWebhookEvents, type Outgoing } from './webhook-events';
import type { WebhookRecord, WebhooksRepository } from './webhooks.repository';
import { resolvesPrivate } from './target-guard';

/** One queued delivery: an event for one webhook, its body frozen when the event happened. */
export interface DeliveryJob {
  webhookId: string;
  siteId: string;
  eventId: string;
  type: WebhookEventType;
  body: string;
}

/** Dependencies of {@link WebhooksService}. */
export interface WebhooksDeps {
  repo: WebhooksRepository;
  sites: SitesService;
  box: SecretBox;
  events: DomainEvents;
  /** Null: no durable queue (in-process fallback): registration answers 503, nothing is delivered. */
  redis: Redis | null;
  keyPrefix: string;
  metrics: Metrics;
  logger: Logger;
  /** Refuse loopback, link-local and private targets (production without WEBHOOK_ALLOW_PRIVATE). */
  blockPrivate: boolean;
  timeoutMs: number;
  retryBaseMs: number;
  /** The CLI registers webhooks for the servers to deliver: it has no queue of its own. */
  registerWithoutQueue?: boolean;
}

const HOUR = 3600_000;
/** Deliveries are retried for this long (the 24 h). */
export const RETRY_HORIZON_MS = 24 * HOUR;
/**
 * How long a node reuses a site's webhook list for fan-out. A change made on this node applies at once; one made
 * on another node (or the CLI) within this time.
 */
const HOOK_CACHE_MS = 3000;
/** Longest wait between two attempts. */
const MAX_RETRY_DELAY_MS = 3 * HOUR;

/** The admin API's view of a webhook. */
function view(w: WebhookRecord): Webhook {
  return {
    id: w.id,
    siteId: w.siteId,
    url: w.url,
    events: w.events,
    active: w.active,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

/** Site owners' webhooks: registration, the mapping of domain events, and signed at-least-once delivery. */
export class WebhooksService {
  private readonly queue: DurableQueue<DeliveryJob> | null = null;
  private readonly attempts: number;
  private readonly cache = new Map<string, { until: number; hooks: Promise<WebhookRecord[]> }>();
  constructor(private readonly deps: WebhooksDeps) {
    this.attempts = attemptsFor(RETRY_HORIZON_MS, deps.retryBaseMs, MAX_RETRY_DELAY_MS);
    if (!deps.redis) return;
    this.queue = new DurableQueue<DeliveryJob>(
      QUEUE_NAMES.webhooks,
      { redis: deps.redis, keyPrefix: deps.keyPrefix, logger: deps.logger },
      {
        attempts: this.attempts,
        backoff: { type: 'custom' },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 10_000 },
      },
    );
    onWebhookEvents(
      deps.events,
      (out) =>
        void this.fanOut(out).catch((err: unknown) =>
          deps.logger.error({ err, type: out.event.type }, 'queueing a webhook event failed'),
        ),
    );
  }

  /** Whether webhooks can be delivered (a durable queue in Redis). */
  get available(): boolean {
    return this.queue !== null;
  }

  /** Starts this node's delivery worker (one delivery at a time, so a node keeps each page's events in order). */
  start(): void {
    if (!this.queue) return;
    const worker = this.queue.work((job) => this.deliver(job), {
      concurrency: 1,
      backoff: (n) => backoffDelay(n, this.deps.retryBaseMs, MAX_RETRY_DELAY_MS),
    });
    worker.on('failed', (job, err) => {
      const dead = job ? job.attemptsMade >= (job.opts.attempts ?? 1) : false;
      this.deps.metrics.webhooksFailed.inc({ outcome: dead ? 'dead' : 'retry' });
      if (dead) this.deps.logger.error({ err, jobId: job?.id }, 'a webhook delivery used up its attempts');
    });
  }

  private requireQueue(): void {
    if (!this.queue && !this.deps.registerWithoutQueue)
      throw new AppError(
        'unavailable',
        'webhooks need Redis for their durable queue; this node runs on the in-process fallback (set REDIS_URL)',
      );
  }

  private async checkTarget(url: string): Promise<void> {
    if (this.deps.blockPrivate && (await resolvesPrivate(url)))
      throw errors.unprocessable(
        'url: resolves to a loopback, link-local or private address (set WEBHOOK_ALLOW_PRIVATE=true to allow it)',
      );
  }

  /** Registers a webhook; the secret is returned this once and stored sealed. */
  async create(siteId: string, input: { url: string; events: string[] }): Promise<{ webhook: Webhook; secret: string }> {
    await this.deps.sites.get(siteId);
    this.requireQueue();
    await this.checkTarget(input.url);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const w = await this.deps.repo.insert({
      siteId,
      url: input.url,
      events: input.events as WebhookEventType[],
      secretSealed: this.deps.box.seal(secret),
    });
    // After the write: a lookup already under way was cached before it, and goes with it.
    this.cache.delete(siteId);
    return { webhook: view(w), secret };
  }

  /** The site's webhooks. */
  async list(siteId: string): Promise<Webhook[]> {
    await this.deps.sites.get(siteId);
    return (await this.deps.repo.ofSite(siteId)).map(view);
  }

  /** One webhook, or 404. */
  async get(siteId: string, id: string): Promise<Webhook> {
    const w = await this.deps.repo.find(siteId, id);
    if (!w) throw errors.notFound('webhook');
    return view(w);
  }

  /** Changes url, events or active. */
  async update(siteId: string, id: string, input: { url?: string; events?: string[]; active?: boolean }): Promise<Webhook> {
    if (input.url) await this.checkTarget(input.url);
    const w = await this.deps.repo.update(siteId, id, input as Partial<Pick<WebhookRecord, 'url' | 'events' | 'active'>>);
    this.cache.delete(siteId);
    if (!w) throw errors.notFound('webhook');
    return view(w);
  }

  /** Removes a webhook (its queued deliveries are dropped when they come up). */
  async remove(siteId: string, id: string): Promise<void> {
    const removed = await this.deps.repo.remove(siteId, id);
    this.cache.delete(siteId);
    if (!removed) throw errors.notFound('webhook');
  }

  /** Recent delivery attempts of a webhook, newest first. */
  async deliveries(siteId: string, id: string, limit: number): Promise<WebhookDelivery[]> {
    await this.get(siteId, id);
    return this.deps.repo.deliveries(id, limit);
  }

  /** Deliveries waiting or being retried. */
  async queued(): Promise<number> {
    return this.queue ? this.queue.pending() : 0;
  }

  /** Dead letters: deliveries that used up their attempts. */
  async failed(
    limit = 50,
  ): Promise<{ id: string; webhookId: string; siteId: string; type: string; attempts: number; reason: string }[]> {
    if (!this.queue) return [];
    return (await this.queue.failed(limit)).map((j) => ({
      id: j.id ?? '',
      webhookId: j.data.webhookId,
      siteId: j.data.siteId,
      type: j.data.type,
      attempts: j.attemptsMade,
      reason: j.failedReason?.slice(0, 300) ?? '',
    }));
  }

  /** A site's webhooks for fan-out, cached briefly: every comment event asks, few sites have any. */
  private hooksOf(siteId: string): Promise<WebhookRecord[]> {
    const hit = this.cache.get(siteId);
    if (hit && hit.until > Date.now()) return hit.hooks;
    const hooks = this.deps.repo.ofSite(siteId);
    this.cache.set(siteId, { until: Date.now() + HOOK_CACHE_MS, hooks });
    hooks.catch(() => this.cache.delete(siteId));
    return hooks;
  }

  private async fanOut({ event }: Outgoing): Promise<void> {
    const hooks = (await this.hooksOf(event.siteId)).filter((w) => w.active && w.events.includes(event.type));
    if (!hooks.length) return;
    const body = JSON.stringify(event);
    for (const w of hooks)
      await this.queue!.add(
        event.type,
        { webhookId: w.id, siteId: w.siteId, eventId: event.id, type: event.type, body },
        { jobId: `${event.id}-${w.id}` },
      );
  }

  /** One attempt: sign, POST, record; throws on failure so the queue retries with backoff. */
  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const d = job.data;
    const w = await this.deps.repo.find(d.siteId, d.webhookId);
    if (!w || !w.active) return;
    const attempt = job.attemptsMade + 1;
    const result = await postWebhook(w.url, d.body, {
      timeoutMs: this.deps.timeoutMs,
      blockPrivate: this.deps.blockPrivate,
      headers: {
        'Parley-Signature': signatureHeader(this.deps.box.open(w.secretSealed), d.body),
        'Parley-Delivery': job.id!,
        'Parley-Event': d.type,
        'Parley-Attempt': String(attempt),
      },
    });
    await this.deps.repo.recordAttempt({
      webhookId: w.id,
      siteId: w.siteId,
      deliveryId: job.id!,
      eventId: d.eventId,
      type: d.type,
      attempt,
      at: new Date(),
      ...result,
    });
    if (!result.ok) throw new Error(result.status ? `receiver answered ${result.status}` : result.excerpt);
    this.deps.metrics.webhooksDelivered.inc({ type: d.type });
  }

  /** Stops the worker and closes the queue's connections. */
  async close(): Promise<void> {
    await this.queue?.close();
  }
}
