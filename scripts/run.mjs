#!/usr/bin/env node
// The README's two commands: `npm start` and `npm test`. Each prepares what it
// needs on a fresh clone (store build, SDK bundles, test tools) with progress
// lines for anything slow, then runs. Plain Node so it works before any build.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`[parley] ${line}`);

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

function mustRun(what, cmd, args, opts) {
  const started = Date.now();
  const code = run(cmd, args, opts);
  if (code !== 0) {
    console.error(`[parley] ${what} failed (exit ${code})`);
    process.exit(code);
  }
  return Date.now() - started;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the widget/SDK bundles when they are missing or older than their sources. */
function ensureSdkBundles() {
  const out = path.join(root, 'client-sdk', 'dist', 'embed.js');
  const src = path.join(root, 'client-sdk', 'src');
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newestMtime(src)) return;
  say('building the widget and SDK bundles (a few seconds)…');
  mustRun('building the SDK bundles', process.execPath, ['client-sdk/build.mjs']);
}

/** Builds the embedded store (FerretDB launcher) once; minutes on the first run. */
function ensureStore() {
  mustRun('building the embedded store', process.execPath, ['--import', 'tsx', 'scripts/build-store.ts']);
}

function aptInstall(pkg, why) {
  if (process.getuid?.() !== 0 || spawnSync('which', ['apt-get']).status !== 0) {
    console.error(`[parley] ${why} needs the Debian package "${pkg}": install it (apt-get install -y ${pkg}) and run again.`);
    process.exit(1);
  }
  say(`installing ${pkg} (Debian package) for ${why}; this takes a minute…`);
  if (run('apt-get', ['install', '-y', '-q', pkg], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) !== 0) {
    mustRun('apt-get update', 'apt-get', ['update', '-q']);
    mustRun(`installing ${pkg}`, 'apt-get', ['install', '-y', '-q', pkg], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

function start() {
  ensureStore();
  ensureSdkBundles();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function summarize(file) {
  if (!fs.existsSync(file)) return null;
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + (r.numTodoTests ?? 0), total: r.numTotalTests };
}

function test() {
  if (!fs.existsSync('/usr/bin/chromium')) aptInstall('chromium', 'the browser tests');
  if (spawnSync('which', ['redis-server']).status !== 0) aptInstall('redis-server', 'the Redis fault tests');
  ensureStore();
  ensureSdkBundles();
  say('type-checking server, SDK and tests…');
  mustRun('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
  say('linting…');
  mustRun('lint', 'npm', ['run', '--silent', 'lint']);
  say('running the test suites: unit, integration (FerretDB + Redis + Socket.IO), e2e (Chromium), faults (real processes)…');
  fs.mkdirSync(path.join(root, 'artifacts'), { recursive: true });
  const report = path.join(root, 'artifacts', 'jest-results.json');
  fs.rmSync(report, { force: true });
  const code = run(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--maxWorkers=2', '--json', `--outputFile=${report}`, ...process.argv.slice(3)]);
  const s = summarize(report);
  if (!s || s.total === 0) {
    console.error('[parley] no test ran: failing loudly');
    process.exit(1);
  }
  if (s.skipped > 0) {
    console.error(`[parley] ${s.skipped} test(s) were skipped: skipping is not allowed in this suite`);
    process.exit(1);
  }
  console.log(`\ntests: ${s.passed} passed, ${s.failed} failed`);
  process.exit(code !== 0 || s.failed > 0 ? 1 : 0);
}

const command = process.argv[2];
if (command === 'start') start();
else if (command === 'test') test();
else {
  console.error('usage: node scripts/run.mjs start|test');
  process.exit(2);
}
