import type { Logger } from '../logger';
import type { ParleyServer } from './io';

/** Limits of one connection's unsent backlog. */
export interface BacklogLimits {
  /** Bytes queued in the process for the connection's socket (what has not reached the kernel). */
  maxBytes: number;
  /** Packets waiting in Engine.IO's write buffer (queued while the transport is busy or polling is idle). */
  maxFrames: number;
}

/** Defaults when the app is built without config (tests): 512 KiB or 1,000 frames. */
export const DEFAULT_BACKLOG_LIMITS: BacklogLimits = { maxBytes: 512 * 1024, maxFrames: 1000 };

/** How often backlogs are measured: the overshoot past a limit is what arrives in this time. */
const SWEEP_MS = 200;

/** The parts of an Engine.IO connection the sweep reads (engine.io does not type them publicly). */
interface EngineConn {
  writeBuffer: unknown[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

/** One connection's backlog: Engine.IO frames and the websocket's unsent bytes. Pure. */
export function backlogOf(conn: EngineConn): { frames: number; bytes: number } {
  const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
  return { frames: conn.writeBuffer.length, bytes: ws?.bufferedAmount ?? 0 };
}

/** Whether a backlog is past its limits. Pure. */
export function overLimit(b: { frames: number; bytes: number }, limits: BacklogLimits): boolean {
  return b.bytes > limits.maxBytes || b.frames > limits.maxFrames;
}

/**
 * Keeps a reader that stopped draining (a phone in a tunnel, a frozen tab) from
 * holding the node's memory: every {@link SWEEP_MS} each connection's unsent
 * backlog is measured, and one past its limit is cut off. The reader's session
 * is dropped on purpose (a server disconnect is not recoverable), so when its
 * client reconnects it gets a fresh session and the SDK refills the gap through
 * REST instead of the node replaying the same backlog into it again. Other
 * readers never wait for a slow one: Socket.IO writes to each socket separately.
 */
export function cutSlowReaders(io: ParleyServer, limits: BacklogLimits, logger: Logger, onCut: () => void): () => void {
  const sweep = (): void => {
    const clients = (io.engine as unknown as { clients: Record<string, EngineConn> }).clients;
    let slow: Set<EngineConn> | null = null;
    for (const conn of Object.values(clients)) {
      if (overLimit(backlogOf(conn), limits)) (slow ??= new Set()).add(conn);
    }
    if (!slow) return;
    for (const ns of [io.of('/'), io.of('/admin')])
      for (const socket of ns.sockets.values())
        if (slow.has(socket.conn as unknown as EngineConn)) {
          logger.warn({ socketId: socket.id, ...backlogOf(socket.conn as unknown as EngineConn) }, 'slow reader cut off');
          socket.disconnect(true);
        }
    for (const conn of slow) {
      onCut();
      // Drop what is queued for it now (not after a drain that will not come), then the TCP connection.
      conn.close(true);
      conn.transport.socket?.terminate?.();
    }
  };
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
