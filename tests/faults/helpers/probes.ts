import { ADMIN_KEY, connectSocket, emitAck, type ReaderClient } from '../../helpers/harness';
import type { FaultSite } from './load';

/** One timed answer to a user-facing action during an outage. */
export interface Probe {
  what: string;
  status: number;
  ms: number;
}

async function timed(what: string, run: () => Promise<number>): Promise<Probe> {
  const at = Date.now();
  const status = await run().catch(() => 0);
  return { what, status, ms: Date.now() - at };
}

/**
 * What a reader and an admin do, each timed: a listing, a join (a new socket: handshake,
 * connection limit, presence), an admin change, and the liveness probe (the event loop is free).
 * A socket answer counts as 200 when its ack says ok.
 */
export async function probeRound(url: string, site: FaultSite, pageId: string): Promise<Probe[]> {
  const signal = () => AbortSignal.timeout(10_000);
  return Promise.all([
    timed('listing', async () => {
      const res = await fetch(`${url}/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/comments`, {
        signal: signal(),
      });
      await res.arrayBuffer();
      return res.status;
    }),
    timed('join', async () => {
      const socket = await connectSocket<ReaderClient>(url, { siteId: site.siteId });
      try {
        const ack = await emitAck(socket, 'page:join', { pageId }, 10_000);
        return ack.ok ? 200 : 500;
      } finally {
        socket.close();
      }
    }),
    timed('admin', async () => {
      const res = await fetch(`${url}/api/v1/sites/${site.siteId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ name: `renamed ${Date.now()}` }),
        signal: signal(),
      });
      await res.arrayBuffer();
      return res.status;
    }),
    timed('healthz', async () => {
      const res = await fetch(`${url}/healthz`, { signal: signal() });
      await res.arrayBuffer();
      return res.status;
    }),
  ]);
}
