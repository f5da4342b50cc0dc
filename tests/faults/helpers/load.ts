import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { ADMIN_KEY, uniqueId } from '../../helpers/harness';

/** A site created for a fault test. */
export interface FaultSite {
  siteId: string;
  secret: string;
}

/** Creates a site through the admin API of a node process (limits raised unless given). */
export async function createFaultSite(url: string, fields: Record<string, unknown> = {}): Promise<FaultSite> {
  const siteId = uniqueId('f');
  const limits = { postsPerMinutePerUser: 100_000, postsPerMinutePerIp: 100_000, connectionsPerMinutePerIp: 100_000 };
  const res = await fetch(`${url}/api/v1/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ siteId, name: siteId, limits, ...fields }),
  });
  if (res.status !== 201) throw new Error(`createFaultSite: ${res.status} ${await res.text()}`);
  return { siteId, secret: ((await res.json()) as { secret: string }).secret };
}

/** Signs a reader token for a user of a fault site. */
export function tokenFor(site: FaultSite, sub: string): string {
  return jwt.sign({ sub, name: sub, site: site.siteId, exp: Math.floor(Date.now() / 1000) + 3600 }, site.secret, {
    algorithm: 'HS256',
  });
}

/** One HTTP attempt: status 0 means the connection failed or was cut. */
export interface Attempt {
  status: number;
  ms: number;
  at: number;
  code?: string;
  id?: string;
}

/** Posts one comment with a client nonce; never throws. */
export async function postAttempt(
  url: string,
  site: FaultSite,
  pageId: string,
  token: string,
  body: string,
  clientNonce: string,
): Promise<Attempt> {
  const at = Date.now();
  try {
    const res = await fetch(`${url}/api/v1/sites/${site.siteId}/pages/${encodeURIComponent(pageId)}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ body, clientNonce }),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await res.json().catch(() => ({}))) as { comment?: { id: string }; error?: { code: string } };
    return { status: res.status, ms: Date.now() - at, at, code: json.error?.code, id: json.comment?.id };
  } catch {
    return { status: 0, ms: Date.now() - at, at };
  }
}

/** A running stream of posts: every attempt so far, the acknowledged comment per nonce, and its end. */
export interface Load {
  attempts: Attempt[];
  /** Acknowledged comment id per nonce. */
  acked: Map<string, string>;
  /** Body per acknowledged nonce. */
  bodies: Map<string, string>;
  done: Promise<void>;
  /** Stops the workers after their current attempt (cleanup after a failed test). */
  abort(): void;
}

/** The body of the i-th post of a stream (so readers' receipts can be matched to acknowledgements). */
export function bodyOf(i: number): string {
  return `comment ${i}`;
}

/** Options of {@link startLoad}. */
export interface LoadOptions {
  urls: () => string[];
  site: FaultSite;
  pageId: string;
  users: number;
  /** How many posts in total; each is retried with its nonce until acknowledged. */
  total: number;
  concurrency: number;
  /** Pause between posts of one worker, so an outage falls in the middle of the stream. */
  gapMs?: number;
  /** Give up retrying after this long (the test fails on unacknowledged posts). */
  deadlineMs?: number;
  /** The body of the i-th post (default {@link bodyOf}). */
  body?: (i: number) => string;
}

/**
 * Posts `total` comments with `concurrency` workers, the way a well-behaved
 * client does: each post carries a clientNonce and is retried with the same
 * nonce after a 503 or a cut connection until the server acknowledges it.
 */
export function startLoad(opts: LoadOptions): Load {
  const attempts: Attempt[] = [];
  const acked = new Map<string, string>();
  const bodies = new Map<string, string>();
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  const tokens = Array.from({ length: opts.users }, (_, i) => tokenFor(opts.site, `user-${i}`));
  // Nonces are unique per stream: the same nonce from the same user on the same site is a retry.
  const prefix = uniqueId('n');
  let nextIndex = 0;
  let turn = 0;
  let aborted = false;
  const worker = async (): Promise<void> => {
    for (let i = nextIndex++; i < opts.total && !aborted; i = nextIndex++) {
      const nonce = `${prefix}-${i}`;
      for (;;) {
        const urls = opts.urls();
        const url = urls[turn++ % urls.length]!;
        const body = (opts.body ?? bodyOf)(i);
        const a = await postAttempt(url, opts.site, opts.pageId, tokens[i % opts.users]!, body, nonce);
        attempts.push(a);
        if ((a.status === 201 || a.status === 200) && a.id) {
          acked.set(nonce, a.id);
          bodies.set(nonce, body);
          break;
        }
        if (aborted) return;
        // Past the deadline the post stays unacknowledged and the test's count assertion fails.
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 150));
      }
      if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
    }
  };
  const done = Promise.all(Array.from({ length: opts.concurrency }, worker)).then(() => undefined);
  return { attempts, acked, bodies, done, abort: () => void (aborted = true) };
}

/** The comments of a site as stored (read straight from the store, not through Parley). */
export async function storedComments(
  storeUri: string,
  dbName: string,
  siteId: string,
): Promise<{ id: string; clientNonce: string; pageId: string }[]> {
  const conn = await mongoose.createConnection(storeUri, { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const docs = await conn
      .db!.collection('comments')
      .find({ siteId }, { projection: { _id: 1, clientNonce: 1, pageId: 1 } })
      .toArray();
    return docs.map((d) => ({ id: String(d._id), clientNonce: d.clientNonce as string, pageId: d.pageId as string }));
  } finally {
    await conn.close();
  }
}

/** Asserts the store holds every acknowledged comment exactly once and nothing twice; returns a problem list. */
export async function verifyStored(
  storeUri: string,
  dbName: string,
  siteId: string,
  acked: Map<string, string>,
): Promise<string[]> {
  const stored = await storedComments(storeUri, dbName, siteId);
  const problems: string[] = [];
  const byId = new Map(stored.map((c) => [c.id, c]));
  const perNonce = new Map<string, number>();
  for (const c of stored) perNonce.set(c.clientNonce, (perNonce.get(c.clientNonce) ?? 0) + 1);
  for (const [nonce, id] of acked) {
    if (!byId.has(id)) problems.push(`acknowledged comment ${id} (${nonce}) is missing`);
    if ((perNonce.get(nonce) ?? 0) !== 1) problems.push(`nonce ${nonce} stored ${perNonce.get(nonce) ?? 0} times`);
  }
  for (const [nonce, n] of perNonce) if (n > 1) problems.push(`nonce ${nonce} stored ${n} times`);
  return [...new Set(problems)];
}

/** Polls `/readyz` until it answers the wanted status (0 = not answering at all). */
export async function untilReadiness(url: string, want: 200 | 503, timeoutMs = 15_000): Promise<{ ms: number; body: unknown }> {
  const started = Date.now();
  for (;;) {
    let status = 0;
    let body: unknown = null;
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
      status = res.status;
      body = await res.json();
    } catch {
      status = 0;
    }
    if (status === want) return { ms: Date.now() - started, body };
    if (Date.now() - started > timeoutMs)
      throw new Error(`readiness of ${url} never became ${want} (last ${status} ${JSON.stringify(body)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
