import type { Socket as NetSocket } from 'node:net';
import type { Socket as EngineSocket } from 'engine.io';
import type { Server } from 'socket.io';

/**
 * Readers corked at most at once: past it they are uncorked at once, so one
 * fan-out to thousands of readers does not hold every frame until the whole
 * room has been walked (measured in docs/performance.md, "Optimisations made").
 */
const MAX_CORKED = 256;

/**
 * Coalesces each connection's websocket frames of one event-loop turn into
 * one write system call.
 *
 * Why: a fan-out's cost is almost all system calls — Socket.IO writes every
 * frame to every reader with its own `writev` (see the CPU profiles in
 * docs/performance.md). When a node falls behind, a reader gets several
 * frames in one turn (several comments, or a backlog flushed on drain).
 * Corking the reader's TCP socket at its first flush of the turn and
 * uncorking it after the turn's I/O (setImmediate), or once 256 readers are
 * corked, sends them in one `writev`; the frames of a corked reader meanwhile
 * queue in Engine.IO's buffer and leave together. Frames, order and content
 * are unchanged; a frame waits at most for the rest of the current turn.
 */
export function batchSocketWrites(io: Server): void {
  const corked = new Set<NetSocket>();
  let scheduled = false;
  const release = () => {
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  io.engine.on('flush', (socket: EngineSocket) => {
    const raw = tcpSocketOf(socket);
    if (!raw || raw.destroyed || corked.has(raw)) return;
    if (corked.size >= MAX_CORKED) release();
    raw.cork();
    corked.add(raw);
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        release();
      });
    }
  });
}

/**
 * The TCP socket under an Engine.IO connection, or null (polling has none of its
 * own). `ws` keeps it in the private field `_socket`: tests/integration/write-batching.test.ts
 * fails if an upgrade renames it, since batching would then silently stop.
 */
export function tcpSocketOf(socket: EngineSocket): NetSocket | null {
  return (socket.transport as { socket?: { _socket?: NetSocket } }).socket?._socket ?? null;
}
