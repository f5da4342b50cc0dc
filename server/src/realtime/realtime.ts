import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Redis } from 'ioredis';
import type { DomainEvents } from '../domain-events';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Services } from '../services';
import { attachBroadcast, presencePublisher } from './broadcast';
import { attachConnections } from './connections';
import { adapterStreamName, createIo, type AdminNamespace, type ParleyServer } from './io';
import { Presence } from './presence';
import { observeRealtime } from './realtime-metrics';
import { cutSlowReaders, type BacklogLimits } from './slow-readers';
import { batchSocketWrites } from './write-batching';

/** What the realtime side of a node is built from. */
export interface RealtimeDeps {
  redis: Redis | null;
  keyPrefix: string;
  nodeId?: string;
  services: Services;
  events: DomainEvents;
  metrics: Metrics;
  logger: Logger;
  /** Any browser origin may connect (development). */
  anyOrigin: boolean;
  trustProxy: (addr: string, i: number) => boolean;
  readerBacklog?: BacklogLimits;
}

/** A node's Socket.IO side: both namespaces, and how to take it down. */
export interface Realtime {
  io: ParleyServer;
  admin: AdminNamespace;
  /** Sends every socket away (they reconnect elsewhere), then lets socket writes under way finish. */
  close(): Promise<void>;
}

/**
 * Socket.IO on the HTTP server, with per-turn write batching, the slow-reader
 * cut-off, presence, the connection handlers, and the broadcast of domain events.
 */
export function attachRealtime(httpServer: http.Server, deps: RealtimeDeps): Realtime {
  const { redis, keyPrefix, services, events, metrics, logger } = deps;
  const { io, admin, closeAdapter } = createIo(httpServer, { redis, keyPrefix });
  batchSocketWrites(io);
  observeRealtime(metrics.registry, io);
  const stopCutting = cutSlowReaders(io, deps.readerBacklog, logger, () => metrics.slowReadersCut.inc());
  const nodeId = deps.nodeId ?? randomUUID();
  const presence = new Presence({ redis, nodeId, keyPrefix, logger, publish: presencePublisher(io) });
  const { anyOrigin, trustProxy } = deps;
  const socketWrites = attachConnections({ io, admin, services, presence, metrics, logger, anyOrigin, trustProxy });
  const streamName = adapterStreamName(keyPrefix);
  const detachBroadcast = attachBroadcast(io, admin, events, metrics, { clustered: redis !== null, redis, streamName });
  return {
    io,
    admin,
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // Socket writes under way finish (their events still reach other nodes) before the caller closes the database.
      await socketWrites.drain();
      detachBroadcast();
      stopCutting();
      await presence.close();
      closeAdapter();
    },
  };
}
