import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { startEmbeddedStore, type EmbeddedStore } from './embedded-store';
import { connectMongo, type MongoOptions } from './mongo';

/** Options of {@link openStore}: what differs between the server and the CLI. */
export interface OpenStoreOptions {
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'storeBackend' | 'storePostgresUrl'>;
  /** Port of the embedded store (0: any free one). */
  port: number;
  /** Progress lines of the embedded store's first build and start. */
  progress: (line: string) => void;
  /** Called if the embedded store exits on its own. */
  onExit?: Parameters<typeof startEmbeddedStore>[0]['onExit'];
  /** Connection timeouts for an external MONGODB_URI. */
  external?: Omit<MongoOptions, 'uri'>;
  /** Told which store was opened. */
  onOpened?: (what: { external: boolean; uri: string | null }) => void;
}

/** The database name on the embedded store: the server and the CLI must see the same one. */
const EMBEDDED_DB = 'parley';

/**
 * Opens the database: MONGODB_URI when set, else the embedded store in
 * DATA_DIR (started here, and stopped again if the connection fails).
 */
export async function openStore(opts: OpenStoreOptions): Promise<{ conn: Connection; store: EmbeddedStore | null }> {
  const { config } = opts;
  if (config.mongodbUri) {
    const conn = await connectMongo({ uri: config.mongodbUri, ...opts.external });
    opts.onOpened?.({ external: true, uri: null });
    return { conn, store: null };
  }
  const store = await startEmbeddedStore({
    dataDir: config.dataDir,
    port: opts.port,
    postgresUrl: config.storeBackend === 'postgresql' ? config.storePostgresUrl : null,
    progress: opts.progress,
    ...(opts.onExit ? { onExit: opts.onExit } : {}),
  });
  try {
    const conn = await connectMongo({ uri: `${store.uri}${EMBEDDED_DB}` });
    opts.onOpened?.({ external: false, uri: store.uri });
    return { conn, store };
  } catch (err) {
    await store.stop();
    throw err;
  }
}
