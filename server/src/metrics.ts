import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** All Prometheus metrics of one app instance (its own registry, so test nodes do not collide). */
export function createMetrics() {
  const registry = new Registry();
  // Standard names without a prefix (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, …):
  // the names the usual Node.js dashboards and alerts already read.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers });
  const histogram = <L extends string = never>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });
  return {
    registry,
    httpDuration: histogram(
      'parley_http_request_duration_seconds',
      'HTTP request duration by method, route and status',
      ['method', 'route', 'status'],
      [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    sockets: gauge('parley_connected_sockets', 'Socket.IO connections open on this node, by namespace', ['namespace']),
    rateLimited: counter('parley_rate_limited_total', 'Requests refused by a rate limit, by limit name', ['limit']),
    rateLimitFallback: counter(
      'parley_rate_limit_fallback_total',
      'Rate-limit decisions taken by the in-memory insurance limiter because Redis was unavailable',
    ),
    spamRefusals: counter(
      'parley_spam_refusals_total',
      'Posts refused by the spam defences: pow (no or a bad proof of work), honeypot (dropped quietly)',
      ['reason'],
    ),
    commentsCreated: counter('parley_comments_created_total', 'Comments stored, by resulting status', ['status']),
    slowReadersCut: counter(
      'parley_slow_readers_cut_total',
      'Reader connections cut off because their unsent backlog passed READER_BACKLOG_MAX_BYTES/FRAMES',
    ),
    postAck: histogram(
      'parley_post_ack_seconds',
      'Time from receiving a post (REST or socket) to its acknowledgement, by outcome',
      ['outcome'],
      [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    fanout: histogram(
      'parley_fanout_seconds',
      'Time from a stored change to its room emits on this node (new comments: until handed to every node), by event',
      ['event'],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    ),
    broadcasts: counter('parley_broadcasts_total', 'Live events emitted to rooms, by event', ['event']),
    domainEventFailures: counter(
      'parley_domain_event_subscriber_failures_total',
      'Domain event subscribers that threw (the write that published the event still succeeded), by event',
      ['event'],
    ),
  };
}

/** The metrics of one app instance. */
export type Metrics = ReturnType<typeof createMetrics>;
