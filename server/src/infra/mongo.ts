import mongoose, { type Connection, type Model } from 'mongoose';

// Query filters built from user input must never carry operators; this turns
// `{ $gt: '' }` smuggled into a filter into a literal match.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
// Mongoose otherwise formats a stack trace on every query it runs (to report a query executed
// twice); with source maps on, that formatting was ~3 % of the post path's CPU in a profile.
mongoose.set('skipOriginalStackTraces', true);

/** How long one store operation may wait for its reply (keeps store-hang answers under 5 s). */
export const STORE_SOCKET_TIMEOUT_MS = 4000;

/** Options of {@link connectMongo}. */
export interface MongoOptions {
  uri: string;
  dbName?: string;
  /** How long an operation may wait for a reachable server before failing with 503 (keep it under 5 s). */
  serverSelectionTimeoutMS?: number;
  /**
   * How long the first connection may keep retrying (a database that starts
   * after Parley, as in docker compose); later operations still fail fast.
   */
  startupTimeoutMs?: number;
}

/**
 * Opens a dedicated mongoose connection (not the global one, so two app nodes
 * can live in one test process). Writes are acknowledged by a majority and the
 * journal where the deployment supports it; FerretDB accepts and ignores this
 * and commits each write to SQLite before answering.
 */
export async function connectMongo(opts: MongoOptions): Promise<Connection> {
  const deadline = Date.now() + (opts.startupTimeoutMs ?? 0);
  for (;;) {
    const conn = openConnection(opts);
    try {
      await conn.asPromise();
      return conn;
    } catch (err) {
      await conn.close().catch(() => undefined);
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function openConnection(opts: MongoOptions): Connection {
  return mongoose.createConnection(opts.uri, {
    dbName: opts.dbName,
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 3000,
    connectTimeoutMS: 2000,
    // Deadlines for a store that is there but stops answering (frozen, partitioned): an operation
    // waits at most this long for its reply, then fails (→ 503).
    socketTimeoutMS: STORE_SOCKET_TIMEOUT_MS,
    // The monitor notices a silent server within heartbeat + connect timeout; it then clears the
    // pool, so requests queued for a connection fail (→ 503) instead of waiting behind hung ones.
    // (No pool wait deadline: a burst may queue for longer than any hang bound, and must not 503.)
    heartbeatFrequencyMS: 2000,
    // A timed-out write may have been applied; the driver must not resend it on its own. Posts carry
    // a clientNonce (unique index) so a client's retry returns the first comment instead.
    retryWrites: false,
    maxPoolSize: 20,
    // Fail fast while disconnected (→ 503) instead of queueing for 10 s.
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    writeConcern: { w: 'majority', j: true, wtimeoutMS: 5000 },
  });
}

/** Pings the database; resolves false instead of throwing. */
export async function pingMongo(conn: Connection, timeoutMs = 2000): Promise<boolean> {
  if (!conn.db) return false;
  try {
    await Promise.race([
      conn.db.admin().command({ ping: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which declared indexes a store gets: `all` on MongoDB; `unique` on the
 * embedded store, where FerretDB's btree indexes only enforce uniqueness (its
 * queries never use them: Parley's JSONB indexes serve them instead, see
 * store-indexes.ts), so the others would only slow every write down.
 */
export type IndexPolicy = 'all' | 'unique';

/** Creates the collections of some models and their declared indexes under a policy; idempotent. */
export async function initCollections(models: Model<unknown>[], policy: IndexPolicy): Promise<void> {
  for (const model of models) {
    await model.createCollection().catch(() => undefined);
    if (policy === 'all') {
      await model.createIndexes();
      continue;
    }
    // Only the missing ones: FerretDB v1.24 panics (and drops the connection) on some createIndexes
    // of an index that already exists (seen with a second single-field unique index).
    const existing = new Set((await model.collection.indexes()).map((i) => i.name));
    const missing = model.schema.indexes().filter(([, o]) => o.unique === true && !existing.has(o.name as string));
    if (missing.length)
      await model.collection.createIndexes(
        missing.map(([key, o]) => ({ key: key as Record<string, 1 | -1>, name: o.name as string | undefined, unique: true })),
      );
  }
}

/** Whether a store error is a unique-index violation (MongoDB and FerretDB both answer code 11000). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
