import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { RawSocket } from './raw-socket';
import { Samples } from './stats';

/** Where and how readers connect. */
export interface ReaderTarget {
  /** Node URLs; reader i connects to urls[i % urls.length]. */
  urls: string[];
  siteId: string;
  /** The page reader i joins (null: connect only). */
  pageOf: ((i: number) => string) | null;
  /** A token for reader i (undefined: anonymous). */
  tokenOf?: (i: number) => string | undefined;
}

/** Readers opened by {@link openReaders}, with what opening them cost. */
export interface OpenedReaders {
  /** Lightweight protocol-level readers (see raw-socket.ts), so the load generator stays cheap. */
  sockets: RawSocket[];
  /** The reader number of each socket in `sockets` (failed readers leave no entry). */
  index: number[];
  handshake: Samples;
  joinAck: Samples;
  failures: number;
}

/** Opens one socket.io-client socket (its own engine, websocket only) and resolves when connected, or rejects; the poster uses it. */
export function connectOne(url: string, auth: Record<string, unknown>, timeoutMs = 20_000): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth, timeout: timeoutMs });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Opens readers `from..to-1` with at most `inflight` handshakes (and joins) in flight. */
export async function openReaders(target: ReaderTarget, from: number, to: number, inflight = 100): Promise<OpenedReaders> {
  const out: OpenedReaders = { sockets: [], index: [], handshake: new Samples(), joinAck: new Samples(), failures: 0 };
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const i = next++;
      const auth: Record<string, unknown> = { siteId: target.siteId };
      const token = target.tokenOf?.(i);
      if (token) auth.token = token;
      const t0 = performance.now();
      let s: RawSocket | null = null;
      try {
        s = await RawSocket.connect(target.urls[i % target.urls.length]!, auth);
        out.handshake.add(performance.now() - t0);
        if (target.pageOf) {
          const t1 = performance.now();
          const ack = (await s.emitWithAck('page:join', { pageId: target.pageOf(i) })) as { ok: boolean };
          if (!ack.ok) throw new Error(`page:join refused: ${JSON.stringify(ack)}`);
          out.joinAck.add(performance.now() - t1);
        }
        out.sockets[i - from] = s;
      } catch {
        s?.close();
        out.failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inflight, to - from) }, worker));
  out.index = out.sockets.flatMap((s, k) => (s ? [k + from] : []));
  out.sockets = out.sockets.filter(Boolean);
  return out;
}

/** Closes sockets and gives the servers a moment to notice. */
export async function closeReaders(sockets: { close(): void }[]): Promise<void> {
  for (const s of sockets) s.close();
  await new Promise((r) => setTimeout(r, 200));
}
