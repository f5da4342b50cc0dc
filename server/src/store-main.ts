import { ConfigError, loadConfig } from './config';
import { startEmbeddedStore } from './infra/embedded-store';

/** `npm run store`: runs the embedded store alone, for several Parley nodes on one machine. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const store = await startEmbeddedStore({
    dataDir: config.dataDir,
    port: config.storePort || 27017,
    postgresUrl: config.storePostgresUrl,
    progress: (line) => console.log(line),
    onExit: (code) => {
      console.error(`parley-store exited (code ${code})`);
      process.exit(1);
    },
  });
  console.log(
    [
      `Embedded store running (FerretDB on PostgreSQL, data in ${config.dataDir}). Give each node both:`,
      '',
      `  MONGODB_URI=${store.uri}parley STORE_POSTGRESQL_URL=${store.postgres.url}`,
      '',
      '(the second lets each node add the indexes FerretDB cannot make), e.g.',
      `  MONGODB_URI=${store.uri}parley STORE_POSTGRESQL_URL=${store.postgres.url} PORT=3001 npm start`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  const stop = () => void store.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`parley store: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
