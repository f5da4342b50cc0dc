import { Queue, Worker, type ConnectionOptions, type Job, type JobsOptions, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger';

/** Names of Parley's durable queues (BullMQ, in the deployment's Redis). */
export const QUEUE_NAMES = { mail: 'notify-mail', webhooks: 'webhooks' } as const;
/** One of {@link QUEUE_NAMES}. */
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * BullMQ's own connection, cloned from Parley's client (same host, Sentinel set, password and db) but without
 * its 400 ms command deadline and fail-fast: the queue must wait out a Redis blip, never drop a job.
 * Blocking reads (the worker's) need no socket deadline either.
 */
export function queueConnection(redis: Redis): Redis {
  const conn = redis.duplicate({
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    commandTimeout: undefined,
    socketTimeout: undefined,
    lazyConnect: false,
  });
  conn.on('error', () => undefined);
  return conn;
}

/** What a durable queue is built from. */
export interface DurableQueueDeps {
  redis: Redis;
  /** The deployment's Redis key prefix; BullMQ keys go under `<prefix>bull`. */
  keyPrefix: string;
  logger: Logger;
}

/** A queue and (optionally) its worker on this node, on their own connections. */
export class DurableQueue<T extends object> {
  /** Untyped inside: BullMQ's name and data types do not resolve over a generic `T`; {@link add} and {@link failed} type them. */
  readonly queue: Queue<object, unknown, string>;
  private worker: Worker<T> | null = null;
  private readonly conns: Redis[] = [];
  constructor(
    readonly name: QueueName,
    private readonly deps: DurableQueueDeps,
    private readonly defaults: JobsOptions,
  ) {
    const conn = this.connection();
    this.queue = new Queue<object, unknown, string>(name, { connection: conn as ConnectionOptions, prefix: this.prefix() });
    this.queue.on('error', (err) => deps.logger.warn({ err, queue: name }, 'queue connection error'));
  }

  private prefix(): string {
    return `${this.deps.keyPrefix}bull`;
  }

  private connection(): Redis {
    const conn = queueConnection(this.deps.redis);
    this.conns.push(conn);
    return conn;
  }

  /** Adds a job; an existing job with the same id is left as it is (BullMQ's idempotent add). */
  async add(name: string, data: T, opts: JobsOptions = {}): Promise<void> {
    await this.queue.add(name, data, { ...this.defaults, ...opts });
  }

  /** Starts this node's worker; `backoff` computes the delay before retry `attemptsMade` (1-based). */
  work(processor: Processor<T>, opts: { concurrency: number; backoff: (attemptsMade: number) => number }): Worker<T> {
    this.worker = new Worker<T>(this.name, processor, {
      connection: this.connection() as ConnectionOptions,
      prefix: this.prefix(),
      concurrency: opts.concurrency,
      // A node that dies mid-job leaves it locked: another node takes it over once the lock lapses (10 s; a live
      // worker renews it every 5 s) and the stalled-job check (every 5 s) sees it. A job found stalled a fourth
      // time becomes a dead letter rather than looping.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 3,
      settings: { backoffStrategy: (attemptsMade: number) => opts.backoff(attemptsMade) },
    });
    this.worker.on('error', (err) => this.deps.logger.warn({ err, queue: this.name }, 'queue worker error'));
    return this.worker;
  }

  /** Jobs waiting, delayed or being retried (for the queued gauge). */
  async pending(): Promise<number> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  /** The dead letters: jobs that used up their attempts, newest first. */
  async failed(limit: number): Promise<Job<T>[]> {
    return (await this.queue.getFailed(0, Math.max(0, limit - 1))) as Job<T>[];
  }

  /** Stops the worker (waiting for the jobs it runs) and closes every connection. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const c of this.conns) c.disconnect();
  }
}

/** Exponential backoff from `baseMs`, doubling per attempt and capped at `capMs`. */
export function backoffDelay(attemptsMade: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
}

/** How many attempts keep retrying (with {@link backoffDelay}) for at least `horizonMs` in total. */
export function attemptsFor(horizonMs: number, baseMs: number, capMs: number): number {
  let total = 0;
  let attempts = 1;
  while (total < horizonMs) {
    total += backoffDelay(attempts, baseMs, capMs);
    attempts++;
  }
  return attempts;
}
