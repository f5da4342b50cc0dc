import { buildStore, storeBinaryPath } from '../server/src/infra/embedded-store';

/** Builds the embedded store launcher (FerretDB) into .cache/ if it is not built yet. */
buildStore((line) => console.log(`[parley] ${line}`))
  .then((bin) => {
    if (process.argv.includes('--print')) console.log(bin ?? storeBinaryPath());
  })
  .catch((err: unknown) => {
    console.error(`[parley] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
