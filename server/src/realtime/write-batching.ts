import type { Socket as NetSocket } from 'node:net';
import type { Socket as EngineSocket } from 'engine.io';
import type { Server } from 'socket.io';

/**
 * Coalesces each connection's websocket frames of one event-loop turn into
 * one write system call.
 *
 * Why: a fan-out's cost is almost all system calls — Socket.IO writes every
 * frame to every reader with its own `writev` (about 30 % of a busy node's
 * time in its CPU profile, more than everything else together). When a node
 * falls behind (several comments per turn, or a reader's backlog flushed at
 * once) each reader gets several frames in the same turn. Corking the
 * reader's TCP socket at its first flush of the turn and uncorking it after
 * the turn's I/O (setImmediate) sends them in one `writev`. Frames, their
 * order and their content are unchanged; a frame waits at most for the rest
 * of the current loop turn.
 */
export function batchSocketWrites(io: Server): void {
  const corked = new Set<NetSocket>();
  let scheduled = false;
  const release = () => {
    scheduled = false;
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  io.engine.on('flush', (socket: EngineSocket) => {
    // Only the websocket transport has a TCP socket of its own (ws keeps it as `_socket`).
    const raw = (socket.transport as { socket?: { _socket?: NetSocket } }).socket?._socket;
    if (!raw || raw.destroyed || corked.has(raw)) return;
    raw.cork();
    corked.add(raw);
    if (!scheduled) {
      scheduled = true;
      setImmediate(release);
    }
  });
}
