import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** All Prometheus metrics of one app instance (its own registry, so test nodes do not collide). */
export function createMetrics() {
  const registry = new Registry();
  // Standard names without a prefix (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, …):
  // the names the usual Node.js dashboards and alerts already read.
  collectDefaultMetrics({ register: registry });
  // The queued gauges read the durable queues when scraped; the app plugs its queues in here.
  const queueSizes = { mail: async (): Promise<number> => 0, webhooks: async (): Promise<number> => 0 };
  return {
    queueSizes,
    registry,
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    sockets: new Gauge({
      name: 'parley_connected_sockets',
      help: 'Socket.IO connections open on this node, by namespace',
      labelNames: ['namespace'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'parley_rate_limited_total',
      help: 'Requests refused by a rate limit, by limit name',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    rateLimitFallback: new Counter({
      name: 'parley_rate_limit_fallback_total',
      help: 'Rate-limit decisions taken by the in-memory insurance limiter because Redis was unavailable',
      registers: [registry],
    }),
    spamRefusals: new Counter({
      name: 'parley_spam_refusals_total',
      help: 'Posts refused by the spam defences: pow (no or a bad proof of work), honeypot (dropped quietly)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    commentsCreated: new Counter({
      name: 'parley_comments_created_total',
      help: 'Comments stored, by resulting status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    slowReadersCut: new Counter({
      name: 'parley_slow_readers_cut_total',
      help: 'Reader connections cut off because their unsent backlog passed READER_BACKLOG_MAX_BYTES/FRAMES',
      registers: [registry],
    }),
    postAck: new Histogram({
      name: 'parley_post_ack_seconds',
      help: 'Time from receiving a post (REST or socket) to its acknowledgement, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    fanout: new Histogram({
      name: 'parley_fanout_seconds',
      help: 'Time from a stored change to its room emits on this node (new comments: until handed to every node), by event',
      labelNames: ['event'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    broadcasts: new Counter({
      name: 'parley_broadcasts_total',
      help: 'Live events emitted to rooms, by event',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    domainEventFailures: new Counter({
      name: 'parley_domain_event_subscriber_failures_total',
      help: 'Domain event subscribers that threw (the write that published the event still succeeded), by event',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    notificationsSent: new Counter({
      name: 'parley_notifications_sent_total',
      help: 'Emails handed to the SMTP relay, by kind (reply, moderator)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    notificationsFailed: new Counter({
      name: 'parley_notifications_failed_total',
      help: 'Failed email attempts, by kind and outcome (retry: tried again later; dead: attempts used up, see the dead-letter list)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    notificationsQueued: new Gauge({
      name: 'parley_notifications_queued',
      help: 'Email jobs waiting, delayed (gathering) or being retried in the durable queue (the whole deployment)',
      registers: [registry],
      async collect() {
        this.set(await queueSizes.mail().catch(() => 0));
      },
    }),
    webhooksDelivered: new Counter({
      name: 'parley_webhooks_delivered_total',
      help: 'Webhook deliveries answered with a 2xx, by event type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    webhooksFailed: new Counter({
      name: 'parley_webhooks_failed_total',
      help: 'Failed webhook attempts, by outcome (retry: tried again later; dead: attempts used up)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    webhooksQueued: new Gauge({
      name: 'parley_webhooks_queued',
      help: 'Webhook deliveries waiting or being retried in the durable queue (the whole deployment)',
      registers: [registry],
      async collect() {
        this.set(await queueSizes.webhooks().catch(() => 0));
      },
    }),
  };
}

/** The metrics of one app instance. */
export type Metrics = ReturnType<typeof createMetrics>;
