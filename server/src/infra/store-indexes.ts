import { Client } from 'pg';

/**
 * An index the embedded store needs and FerretDB cannot make: a GIN index on
 * top-level fields of a collection's JSONB column.
 *
 * Why: FerretDB v1 (PostgreSQL backend) turns each top-level equality of a
 * filter into `_jsonb->'field' @> 'value'`, and the btree indexes it creates
 * for `createIndexes` cannot serve `@>`. A GIN expression index can, when the
 * statement is planned with its values (the store launcher sets
 * `plan_cache_mode = force_custom_plan`). Real MongoDB uses the mongoose indexes
 * declared in the models instead; these are only created on the embedded store.
 */
export interface JsonbIndex {
  collection: string;
  /** Short name, unique per collection. */
  name: string;
  /** Top-level fields a query filters on with equality (a multicolumn GIN serves any subset of them). */
  fields: string[];
}

/**
 * Every hot query's selective equality, by collection. Keep in step with the
 * repositories: a filter is only served when its selective part is a
 * top-level equality on one of these fields (never `$in`, `$or` or a range).
 */
export const STORE_INDEXES: readonly JsonbIndex[] = [
  // findById, updates and deletes by id (FerretDB's own _id index is a btree: it cannot serve `@>`).
  { collection: 'comments', name: 'id', fields: ['_id'] },
  // Thread listings (top level: siteId + pageId; replies: + parentId), all three sorts.
  { collection: 'comments', name: 'thread', fields: ['pageId', 'parentId'] },
  // Idempotent posting: the comment an author posted with a nonce; an author's comments (privacy export, search).
  { collection: 'comments', name: 'author', fields: ['clientNonce', 'authorId'] },
  // Moderation queues, day by day: a site's pending comments, and its comments with open flags; a site's latest
  // comments (feeds, Recent), day by day too (see CommentsRepository.recent). No siteId: on a
  // one-site store its posting list is the whole table, and intersecting it cost more than checking the few rows found.
  { collection: 'comments', name: 'queue', fields: ['day', 'status', 'flagOpen'] },
  { collection: 'queue_months', name: 'site', fields: ['siteId'] },
  { collection: 'queue_days', name: 'month', fields: ['siteId', 'month'] },
  { collection: 'pages', name: 'page', fields: ['pageId'] },
  { collection: 'pages', name: 'locked', fields: ['siteId', 'locked'] },
  { collection: 'reactions', name: 'comment', fields: ['commentId'] },
  { collection: 'reactions', name: 'user', fields: ['userId'] },
  { collection: 'flags', name: 'comment', fields: ['commentId'] },
  { collection: 'bans', name: 'site', fields: ['siteId'] },
  { collection: 'trusted_authors', name: 'user', fields: ['userId'] },
  // The audit log, day by day (see infra/latest-by-day.ts).
  { collection: 'audit_log', name: 'day', fields: ['siteId', 'day'] },
  // Reply emails: the subscription of a replied-to comment (every public reply), a reader's on a page, a user's (privacy).
  { collection: 'notify_subscriptions', name: 'comment', fields: ['commentId'] },
  { collection: 'notify_subscriptions', name: 'reader', fields: ['reader', 'userId'] },
  { collection: 'notify_optouts', name: 'key', fields: ['key'] },
  { collection: 'webhook_deliveries', name: 'webhook', fields: ['webhookId'] },
];

const METADATA_TABLE = '_ferretdb_database_metadata';

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The PostgreSQL index name of a JSONB index on a table (≤ 63 bytes, stable). */
export function pgIndexName(table: string, index: JsonbIndex): string {
  return `parley_${index.name}_${table}`.slice(0, 63);
}

/**
 * The statement that creates one index; exported for the EXPLAIN test's messages.
 *
 * `fastupdate = off`: with GIN's default pending list, new entries wait in an
 * unsorted list (up to 4 MB) that every query through the index reads in full
 * until a vacuum merges it, so reads right after a burst of writes (an import,
 * a busy hour) paid for the backlog on every lookup. Without it each write
 * updates the index itself, a little dearer and always the same.
 */
export function createIndexSql(schema: string, table: string, index: JsonbIndex): string {
  const cols = index.fields.map((f) => `(_jsonb -> ${quoteLiteral(f)}) jsonb_path_ops`).join(', ');
  return `CREATE INDEX IF NOT EXISTS ${ident(pgIndexName(table, index))} ON ${ident(schema)}.${ident(table)} USING gin (${cols}) WITH (fastupdate = off)`;
}

/** Which PostgreSQL table FerretDB keeps each collection of a database in. */
export async function collectionTables(client: Client, database: string): Promise<Map<string, string>> {
  const exists = await client.query<{ ok: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2) AS ok',
    [database, METADATA_TABLE],
  );
  const tables = new Map<string, string>();
  if (!exists.rows[0]?.ok) return tables;
  const res = await client.query<{ collection: string; tbl: string }>(
    `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS tbl FROM ${ident(database)}.${ident(METADATA_TABLE)}`,
  );
  for (const row of res.rows) tables.set(row.collection, row.tbl);
  return tables;
}

/** PostgreSQL errors a concurrent creator of the same index raises (another node starting). */
const CONCURRENT_CREATE = new Set(['23505', '42P07']);

/**
 * Creates the JSONB indexes of every existing collection of `database` on the
 * PostgreSQL under the embedded store; idempotent, safe with several nodes
 * starting at once. Returns the indexes it created.
 */
export async function ensureStoreIndexes(
  postgresUrl: string,
  database: string,
  indexes: readonly JsonbIndex[] = STORE_INDEXES,
): Promise<string[]> {
  const client = new Client({ connectionString: postgresUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const tables = await collectionTables(client, database);
    const have = await client.query<{ indexname: string; options: string[] | null; gin: boolean }>(
      `SELECT c.relname AS indexname, c.reloptions AS options, am.amname = 'gin' AS gin
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam
        WHERE n.nspname = $1 AND c.relkind = 'i'`,
      [database],
    );
    const existing = new Map(have.rows.map((r) => [r.indexname, r.options ?? []]));
    // Parley's indexes (FerretDB makes only btrees) that no query needs any more: every write would keep paying for them.
    const wanted = new Set(indexes.flatMap((i) => (tables.has(i.collection) ? [pgIndexName(tables.get(i.collection)!, i)] : [])));
    if (indexes === STORE_INDEXES)
      for (const r of have.rows)
        if (r.gin && r.indexname.startsWith('parley_') && !wanted.has(r.indexname))
          await client.query(`DROP INDEX IF EXISTS ${ident(database)}.${ident(r.indexname)}`);
    const created: string[] = [];
    for (const index of indexes) {
      const table = tables.get(index.collection);
      if (!table) continue;
      const name = pgIndexName(table, index);
      const options = existing.get(name);
      if (options && !options.includes('fastupdate=off')) {
        // An index made before `fastupdate = off` (see createIndexSql): switch it, then merge what its pending list holds.
        await client.query(`ALTER INDEX ${ident(database)}.${ident(name)} SET (fastupdate = off)`);
        await client.query(`SELECT gin_clean_pending_list(${quoteLiteral(`${ident(database)}.${ident(name)}`)}::regclass)`);
      }
      if (options) continue;
      try {
        await client.query(createIndexSql(database, table, index));
        created.push(`${index.collection}.${index.name}`);
      } catch (err) {
        if (!CONCURRENT_CREATE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
    return created;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Refreshes PostgreSQL's statistics of a database's collections (after a bulk
 * load: until autovacuum gets there, the planner may not see that an index is
 * worth using). A few seconds at a million comments.
 */
export async function analyzeStore(postgresUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: postgresUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const table of (await collectionTables(client, database)).values())
      await client.query(`ANALYZE ${ident(database)}.${ident(table)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
