import { randomBytes } from 'node:crypto';
import { connectSocket, emitAck, type ReaderClient } from '../../helpers/harness';
import { tokenFor, type FaultSite } from './load';

/** One socket `comment:post` attempt. */
export interface SocketAttempt {
  ok: boolean;
  ms: number;
  at: number;
  /** Error code of a refused ack, or `timeout` when no ack came within 5 s. */
  code?: string;
}

/** A running stream of socket posts. */
export interface SocketLoad {
  attempts: SocketAttempt[];
  /** Acknowledged comment id per nonce. */
  acked: Map<string, string>;
  done: Promise<void>;
  abort(): void;
}

/** Options of {@link startSocketLoad}. */
export interface SocketLoadOptions {
  url: string;
  site: FaultSite;
  pageId: string;
  total: number;
  gapMs: number;
  /** Distinguishes the bodies of parallel streams. */
  label: string;
}

/**
 * Posts `total` comments over one signed-in socket, each with a clientNonce and retried with it
 * (as the SDK does) after a refused or missing acknowledgement.
 */
export async function startSocketLoad(opts: SocketLoadOptions): Promise<SocketLoad> {
  const token = tokenFor(opts.site, `sock-${opts.label}`);
  const socket = await connectSocket<ReaderClient>(opts.url, { siteId: opts.site.siteId, token });
  const attempts: SocketAttempt[] = [];
  const acked = new Map<string, string>();
  const prefix = randomBytes(4).toString('hex');
  let aborted = false;
  const run = async (): Promise<void> => {
    for (let i = 0; i < opts.total && !aborted; i++) {
      const nonce = `s-${opts.label}-${prefix}-${i}`;
      const deadline = Date.now() + 60_000;
      while (!aborted && Date.now() < deadline) {
        const at = Date.now();
        const ack: { ok: boolean; comment?: { id: string }; error?: { code: string } } = await emitAck(
          socket,
          'comment:post',
          { pageId: opts.pageId, body: `socket ${opts.label} ${i}`, clientNonce: nonce },
          5000,
        ).catch(() => ({ ok: false, error: { code: 'timeout' } }) as const);
        attempts.push({ ok: ack.ok, ms: Date.now() - at, at, code: ack.ok ? undefined : ack.error?.code });
        if (ack.ok && 'comment' in ack && ack.comment) {
          acked.set(nonce, ack.comment.id);
          break;
        }
        await new Promise((r) => setTimeout(r, 150));
      }
      await new Promise((r) => setTimeout(r, opts.gapMs));
    }
  };
  const done = run().finally(() => socket.close());
  return { attempts, acked, done, abort: () => void (aborted = true) };
}
