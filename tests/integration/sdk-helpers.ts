/**
 * Helpers of the SDK integration suites: SDK clients that are closed after
 * each test, event recording and waiting on SDK clients (the harness's
 * helpers work on raw sockets), and server-side handles on a client's socket.
 */
import type { Socket as ServerSocket } from 'socket.io';
import { createAdminClient, type AdminClientEvents, type ParleyAdminClient } from '@parley/sdk/admin';
import { createClient, type ClientEvents, type ParleyClient } from '@parley/sdk/client';
import type { TestNode, TestSite } from '../helpers/harness';

/** Limits high enough that a suite's many posts and connections from 127.0.0.1 never hit them. */
export const GENEROUS_LIMITS = {
  postsPerMinutePerUser: 1000,
  postsPerMinutePerIp: 1000,
  connectionsPerMinutePerIp: 1000,
  flagsPerHourPerUser: 1000,
};

type Closable = { disconnect(): void };
const open = new Set<Closable>();

/** A reader client of the site (closed by {@link closeClients}). */
export function sdkClient(
  node: TestNode,
  site: TestSite,
  token?: string | null,
  extra: { timeoutMs?: number; fetch?: typeof fetch } = {},
): ParleyClient {
  const client = createClient({ url: node.url, siteId: site.siteId, token, ...extra });
  open.add(client);
  return client;
}

/** A connected moderator client of the site (closed by {@link closeClients}). */
export async function sdkAdmin(node: TestNode, site: TestSite, token: string): Promise<ParleyAdminClient> {
  const admin = createAdminClient({ url: node.url, siteId: site.siteId, token });
  open.add(admin);
  await admin.connect();
  return admin;
}

/** Disconnects every client the helpers created. */
export function closeClients(): void {
  for (const c of open) c.disconnect();
  open.clear();
}

type SdkClient = ParleyClient | ParleyAdminClient;
/** The event map of a reader or admin client. */
type EventsOf<C> = C extends ParleyClient ? ClientEvents : AdminClientEvents;
/** The payload of one event of a client. */
type PayloadOf<C, K extends keyof EventsOf<C>> = EventsOf<C>[K] extends (payload: infer P) => void ? P : never;
type Loose = { on(event: string, fn: (payload: unknown) => void): () => void };

/** Records every payload of an SDK event. */
export function recordSdk<C extends SdkClient, K extends keyof EventsOf<C> & string>(client: C, event: K): PayloadOf<C, K>[] {
  const seen: PayloadOf<C, K>[] = [];
  (client as unknown as Loose).on(event, (payload) => seen.push(payload as PayloadOf<C, K>));
  return seen;
}

/** Resolves with the next matching payload of an SDK event, or rejects after a timeout. */
export function nextSdk<C extends SdkClient, K extends keyof EventsOf<C> & string>(
  client: C,
  event: K,
  match: (payload: PayloadOf<C, K>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<PayloadOf<C, K>> {
  return new Promise((resolve, reject) => {
    const off = (client as unknown as Loose).on(event, (payload) => {
      if (!match(payload as PayloadOf<C, K>)) return;
      clearTimeout(timer);
      off();
      resolve(payload as PayloadOf<C, K>);
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
  });
}

/** {@link nextSdk} for reader clients (keeps the payload type precise at call sites). */
export const nextReader = <K extends keyof ClientEvents & string>(
  c: ParleyClient,
  e: K,
  m?: (p: PayloadOf<ParleyClient, K>) => boolean,
  t?: number,
) => nextSdk<ParleyClient, K>(c, e, m, t);

/** The server-side reader sockets of one user (by token `sub`). */
export function serverSocketsOf(node: TestNode, userId: string): ServerSocket[] {
  return [...node.app.io.of('/').sockets.values()].filter(
    (s) => (s.data as { principal?: { userId: string } | null }).principal?.userId === userId,
  );
}

/** The one server-side reader socket of a user; throws unless there is exactly one. */
export function serverSocketOf(node: TestNode, userId: string): ServerSocket {
  const sockets = serverSocketsOf(node, userId);
  if (sockets.length !== 1) throw new Error(`expected one server socket of ${userId}, found ${sockets.length}`);
  return sockets[0]!;
}

/**
 * Holds every new Engine.IO handshake until released, so a test decides when a
 * cut-off client may come back (existing connections are not affected).
 */
export function holdHandshakes(node: TestNode): () => void {
  const opts = node.app.io.engine.opts as {
    allowRequest?: (req: unknown, cb: (err: string | null | undefined, ok: boolean) => void) => void;
  };
  const previous = opts.allowRequest;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  opts.allowRequest = (req, cb) => void gate.then(() => (previous ? previous(req, cb) : cb(null, true)));
  return () => {
    opts.allowRequest = previous;
    release();
  };
}
