import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { registerReaderHandlers } from '../modules/comments/comments.socket';
import { registerModeratorHandlers } from '../modules/moderation/moderation.socket';
import type { Services } from '../services';
import { handshakeMiddleware } from './handshake';
import { InFlight } from './in-flight';
import type { AdminNamespace, ParleyServer } from './io';
import type { Presence } from './presence';
import { rooms } from './rooms';

/** What the socket connections are served with. */
export interface ConnectionDeps {
  io: ParleyServer;
  admin: AdminNamespace;
  services: Services;
  presence: Presence;
  metrics: Metrics;
  logger: Logger;
  /** Development: any origin may connect. */
  anyOrigin: boolean;
  trustProxy: (addr: string, i: number) => boolean;
}

/**
 * Authenticates handshakes on both namespaces and registers each socket's
 * handlers. Returns the tracker of socket writes in flight, which shutdown
 * drains before the database closes.
 */
export function attachConnections(deps: ConnectionDeps): InFlight {
  const { io, admin, services, presence, metrics, logger } = deps;
  const { sites, auth, rateLimits } = services;
  const handshakeDeps = { sites, auth, rateLimits, anyOrigin: deps.anyOrigin, trustProxy: deps.trustProxy };
  io.use(handshakeMiddleware(handshakeDeps, { requireModerator: false }));
  admin.use(handshakeMiddleware(handshakeDeps, { requireModerator: true }));
  const socketWrites = new InFlight();
  const socketLog = (id: string, userId: string | undefined) => logger.child({ socketId: id, userId });
  io.on('connection', (socket) => {
    metrics.sockets.inc({ namespace: '/' });
    socket.on('disconnect', () => metrics.sockets.dec({ namespace: '/' }));
    const { siteId, principal } = socket.data;
    if (!socket.recovered) {
      void socket.join(rooms.site(siteId));
      if (principal) void socket.join(rooms.user(siteId, principal.userId));
    } else for (const pageId of socket.data.pages) presence.join(siteId, pageId);
    registerReaderHandlers(socket, {
      comments: socketWrites.track(services.comments),
      pages: services.pages,
      presence,
      logger: socketLog(socket.id, principal?.userId),
    });
  });
  admin.on('connection', (socket) => {
    metrics.sockets.inc({ namespace: '/admin' });
    socket.on('disconnect', () => metrics.sockets.dec({ namespace: '/admin' }));
    void socket.join(rooms.moderators(socket.data.siteId));
    registerModeratorHandlers(socket, {
      moderation: socketWrites.track(services.moderation),
      logger: socketLog(socket.id, socket.data.principal?.userId),
    });
  });
  return socketWrites;
}

/**
 * Cross-node cache invalidation: "something about this site changed on
 * another node" (its settings, bans or page locks) drops what this node cached.
 */
export function attachInvalidation(io: ParleyServer, services: Services): void {
  io.on('site:changed', (siteId) => {
    services.sites.forget(siteId);
    services.moderationRepo.forgetBans(siteId);
    services.pages.forgetSite(siteId);
  });
}
