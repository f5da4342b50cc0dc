#!/usr/bin/env node
/**
 * Builds client-sdk/dist with esbuild (minified, es2019, browser platform):
 *   index.mjs      ESM of the SDK, socket.io-client left external (tree-shakable)
 *   index.d.ts …   declarations, emitted by tsc -p client-sdk/tsconfig.json
 *   parley-sdk.js  IIFE with socket.io-client bundled, global `ParleySDK`
 *   embed.js       IIFE of src/widget/embed.ts, global `Parley`   (when that file exists)
 *   moderate.js    IIFE of src/moderate/main.ts                   (when that file exists)
 * `--size` also prints the gzipped size of embed.js and exits 1 above the
 * widget's budget, or when embed.js is missing although its entry exists.
 * `--no-types` skips the declaration step (faster when only bundles matter).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const args = new Set(process.argv.slice(2));
/** Gzipped budget of embed.js (SPEC weight goal; peers weigh 20–50 KB gz). */
const EMBED_BUDGET = 35 * 1024;

const common = { bundle: true, minify: true, target: 'es2019', platform: 'browser', sourcemap: true, legalComments: 'none', logLevel: 'warning' };

const bundles = [
  { entryPoints: [join(src, 'index.ts')], outfile: join(dist, 'index.mjs'), format: 'esm', external: ['socket.io-client'] },
  { entryPoints: [join(src, 'index.ts')], outfile: join(dist, 'parley-sdk.js'), format: 'iife', globalName: 'ParleySDK' },
];
const embedEntry = join(src, 'widget', 'embed.ts');
const moderateEntry = join(src, 'moderate', 'main.ts');
if (existsSync(embedEntry)) bundles.push({ entryPoints: [embedEntry], outfile: join(dist, 'embed.js'), format: 'iife', globalName: 'Parley' });
if (existsSync(moderateEntry)) bundles.push({ entryPoints: [moderateEntry], outfile: join(dist, 'moderate.js'), format: 'iife' });

let failed = false;
const results = await Promise.allSettled(bundles.map((b) => build({ ...common, ...b })));
results.forEach((r, i) => {
  const name = relative(root, bundles[i].outfile);
  if (r.status === 'rejected') {
    failed = true;
    console.error(`build failed: ${name}\n${r.reason?.message ?? r.reason}`);
  } else console.log(`built ${name} (${kb(statSync(bundles[i].outfile).size)})`);
});

if (!args.has('--no-types')) {
  try {
    const tsc = join(root, '..', 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
    console.log('built dist/*.d.ts');
  } catch {
    failed = true;
    console.error('declaration emit failed');
  }
}

if (args.has('--size')) {
  const embed = join(dist, 'embed.js');
  if (existsSync(embed)) {
    const gz = gzipSync(readFileSync(embed), { level: 9 }).length;
    const ok = gz <= EMBED_BUDGET;
    console.log(`embed.js: ${kb(statSync(embed).size)} minified, ${kb(gz)} gzipped (budget ${kb(EMBED_BUDGET)}) ${ok ? 'OK' : 'OVER BUDGET'}`);
    if (!ok) failed = true;
  } else if (existsSync(embedEntry)) {
    console.error('embed.js is missing although src/widget/embed.ts exists');
    failed = true;
  } else console.log('embed.js: not built yet (src/widget/embed.ts does not exist)');
  const sdk = join(dist, 'parley-sdk.js');
  if (existsSync(sdk)) console.log(`parley-sdk.js: ${kb(gzipSync(readFileSync(sdk), { level: 9 }).length)} gzipped`);
}

process.exit(failed ? 1 : 0);

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
