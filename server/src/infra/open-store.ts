import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { openEmbeddedStore, type EmbeddedStore, type StartStoreOptions } from './embedded-store';
import { connectMongo, type MongoOptions } from './mongo';

/** Options of {@link openStore}: what differs between the server and the CLI. */
export interface OpenStoreOptions {
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'storePostgresUrl'>;
  /** Port of the embedded store (0: any free one). */
  port: number;
  /** Progress lines of the embedded store's first build and start. */
  progress: (line: string) => void;
  /** Called if the embedded store this process started exits on its own. */
  onExit?: StartStoreOptions['onExit'];
  /** Connection timeouts for an external MONGODB_URI. */
  external?: Omit<MongoOptions, 'uri'>;
  /** Told which store was opened (`attached`: the one another process runs for DATA_DIR). */
  onOpened?: (what: { external: boolean; attached: boolean; uri: string | null; storePid: number | null }) => void;
}

/** What {@link openStore} opened. */
export interface OpenedStore {
  conn: Connection;
  /** The embedded store, when this process started or attached to one. */
  store: EmbeddedStore | null;
  /** The PostgreSQL under the store when it is FerretDB on PostgreSQL (for the indexes FerretDB cannot make); null on MongoDB. */
  storePostgresUrl: string | null;
}

/** The database name on the embedded store: the server and the CLI must see the same one. */
const EMBEDDED_DB = 'parley';

/**
 * Opens the database: MONGODB_URI when set (with STORE_POSTGRESQL_URL too, an
 * embedded store on that PostgreSQL, as `npm run store` prints), else the
 * embedded store in DATA_DIR: the one already running there, or one started
 * here (and stopped again if the connection fails).
 */
export async function openStore(opts: OpenStoreOptions): Promise<OpenedStore> {
  const { config } = opts;
  if (config.mongodbUri) {
    const conn = await connectMongo({ uri: config.mongodbUri, ...opts.external });
    opts.onOpened?.({ external: true, attached: false, uri: null, storePid: null });
    return { conn, store: null, storePostgresUrl: config.storePostgresUrl };
  }
  const store = await openEmbeddedStore({
    dataDir: config.dataDir,
    port: opts.port,
    postgresUrl: config.storePostgresUrl,
    progress: opts.progress,
    ...(opts.onExit ? { onExit: opts.onExit } : {}),
  });
  try {
    const conn = await connectMongo({ uri: `${store.uri}${EMBEDDED_DB}` });
    opts.onOpened?.({ external: false, attached: store.attached, uri: store.uri, storePid: store.pid });
    return { conn, store, storePostgresUrl: store.postgres.url };
  } catch (err) {
    await store.stop();
    throw err;
  }
}
