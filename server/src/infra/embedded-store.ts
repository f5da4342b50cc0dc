import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../paths';
import { preparePostgresCluster } from './embedded-postgres';

const LAUNCHER_DIR = path.join(REPO_ROOT, 'store', 'ferretdb');
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'store');

/** Raised when the embedded store cannot be built or started; its message says what to do. */
export class EmbeddedStoreError extends Error {
  override name = 'EmbeddedStoreError';
}

/** Where progress lines go (the console for `npm start`, a logger elsewhere). */
export type Progress = (line: string) => void;

/** The name of the database FerretDB keeps its data in on the embedded PostgreSQL. */
export const STORE_DATABASE = 'parley';

/** A running embedded store process. */
export interface EmbeddedStore {
  uri: string;
  port: number;
  /** The FerretDB launcher's process id. */
  pid: number;
  /** The PostgreSQL under FerretDB: its URL (for the indexes FerretDB cannot make) and, when embedded, its server's pid. */
  postgres: { url: string; pid: number | null };
  /** True when this process found the store already running for its data directory and only connected to it. */
  attached: boolean;
  /** Stops the store gracefully (SIGTERM, SIGKILL after 5 s); `immediate` kills it at once (throw-away test data). */
  stop(opts?: { immediate?: boolean }): Promise<void>;
}

const NO_GO_HELP = [
  'Parley needs a MongoDB-compatible database and none is configured. Three ways out:',
  '  1. install Go 1.24+ (https://go.dev/dl/ or `apt-get install golang`) so Parley can build its embedded store (FerretDB) on first start;',
  '  2. set MONGODB_URI to a MongoDB you run (e.g. MONGODB_URI=mongodb://127.0.0.1:27017/parley);',
  '  3. run the whole stack with `docker compose up` (MongoDB and Redis included).',
].join('\n');

// Only the PostgreSQL backend is built (the SQLite one scans every collection on every query).
const BUILD_TAGS = 'ferretdb_no_sqlite';

function launcherHash(): string {
  const h = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) h.update(fs.readFileSync(path.join(LAUNCHER_DIR, f)));
  h.update(BUILD_TAGS);
  return h.digest('hex').slice(0, 16);
}

/** Path of the launcher binary for the current sources (built or not). */
export function storeBinaryPath(cacheDir = CACHE_DIR): string {
  return path.join(cacheDir, launcherHash(), 'parley-store');
}

/**
 * Builds the FerretDB launcher once into a git-ignored cache keyed by its
 * sources' hash, so a second start reuses it and a source change rebuilds it.
 */
export async function buildStore(progress: Progress = () => {}, opts: { cacheDir?: string } = {}): Promise<string> {
  const bin = storeBinaryPath(opts.cacheDir);
  if (fs.existsSync(bin)) return bin;
  const go = spawnSync('go', ['version'], { encoding: 'utf8', env: process.env });
  if (go.error || go.status !== 0) throw new EmbeddedStoreError(NO_GO_HELP);
  progress(
    `building the embedded MongoDB-compatible store (FerretDB), first run only; this takes 1-5 minutes (${go.stdout.trim()})…`,
  );
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  const started = Date.now();
  const ticker = setInterval(
    () => progress(`  still building the embedded store… ${Math.round((Date.now() - started) / 1000)} s`),
    15_000,
  );
  try {
    const stderr = await new Promise<string>((resolve, reject) => {
      const child = spawn('go', ['build', '-trimpath', '-tags', BUILD_TAGS, '-o', tmp, '.'], {
        cwd: LAUNCHER_DIR,
        env: { ...process.env, CGO_ENABLED: '0' },
        stdio: ['ignore', 'inherit', 'pipe'],
      });
      let err = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', (err) => reject(new EmbeddedStoreError(`cannot run go: ${err.message}\n${NO_GO_HELP}`)));
      child.on('exit', (code) =>
        code === 0 ? resolve(err) : reject(new EmbeddedStoreError(`building the embedded store failed:\n${err}\n${NO_GO_HELP}`)),
      );
    });
    if (stderr.trim()) progress(stderr.trim());
  } finally {
    clearInterval(ticker);
  }
  fs.renameSync(tmp, bin);
  progress(`  embedded store built in ${Math.round((Date.now() - started) / 1000)} s (${path.relative(REPO_ROOT, bin)})`);
  return bin;
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new EmbeddedStoreError(`the embedded store exited with code ${child.exitCode}`));
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline)
          reject(new EmbeddedStoreError(`the embedded store did not listen on port ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Options of {@link startEmbeddedStore}. */
export interface StartStoreOptions {
  dataDir: string;
  port?: number;
  /** An existing PostgreSQL to keep the data in (STORE_POSTGRESQL_URL); unset runs the embedded one in `<dataDir>/postgres`. */
  postgresUrl?: string | null;
  progress?: Progress;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Appends the store's (FerretDB's and PostgreSQL's) log lines to this file. */
  logFile?: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Starts the embedded store on 127.0.0.1: the FerretDB launcher as a child
 * process and, unless `postgresUrl` names one, the embedded PostgreSQL under it
 * as the launcher's child. The launcher exits by itself when its stdin closes,
 * and PostgreSQL when the launcher dies, so neither outlives a crashed parent.
 */
export async function startEmbeddedStore(opts: StartStoreOptions): Promise<EmbeddedStore> {
  const progress = opts.progress ?? (() => {});
  const bin = await buildStore(progress);
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const args = ['-listen', `127.0.0.1:${port}`];
  const env: NodeJS.ProcessEnv = { ...process.env };
  let postgresUrl: string;
  if (opts.postgresUrl) {
    args.push('-postgresql-url', opts.postgresUrl);
    postgresUrl = opts.postgresUrl;
  } else {
    const cluster = await preparePostgresCluster(opts.dataDir, progress);
    const pgPort = await freePort();
    args.push('-pg-bin', cluster.bin, '-pg-data', cluster.dataDir, '-pg-port', String(pgPort), '-database', STORE_DATABASE);
    if (cluster.uid !== null) args.push('-pg-uid', String(cluster.uid), '-pg-gid', String(cluster.gid));
    // Through the environment, not argv, so `ps` does not show it.
    env.PARLEY_PG_PASSWORD = cluster.password;
    postgresUrl = `postgres://postgres:${encodeURIComponent(cluster.password)}@127.0.0.1:${pgPort}/${STORE_DATABASE}`;
  }
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  if (opts.logFile) child.stderr!.pipe(fs.createWriteStream(opts.logFile, { flags: 'a' }));
  let postgresPid: number | null = null;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const m = /parley-store postgres pid (\d+)/.exec(chunk);
    if (m) postgresPid = Number(m[1]);
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) opts.onExit?.(code, signal);
      resolve();
    }),
  );
  try {
    await waitForPort(port, child, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    if (postgresPid) await waitForExit(postgresPid, 10_000);
    throw new EmbeddedStoreError(`${(err as Error).message}\n${stderr}`);
  }
  const uri = `mongodb://127.0.0.1:${port}/`;
  const marker = markerPath(opts.dataDir);
  const running: RunningStore = { pid: child.pid!, port, uri, postgres: { url: postgresUrl, pid: postgresPid } };
  fs.writeFileSync(marker, JSON.stringify(running), { mode: 0o600 });
  void exited.then(() => fs.rmSync(marker, { force: true }));
  return {
    ...running,
    attached: false,
    async stop(stopOpts = {}) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      if (stopOpts.immediate) {
        // Throw-away data: PostgreSQL's immediate shutdown, and no wait for FerretDB.
        if (postgresPid) process.kill(postgresPid, 'SIGQUIT');
        child.kill('SIGKILL');
      } else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      if (postgresPid) await waitForExit(postgresPid, 15_000);
    },
  };
}

/** What a running store writes to `<dataDir>/store.json` (0600: it holds the PostgreSQL password) for other processes. */
interface RunningStore {
  pid: number;
  port: number;
  uri: string;
  postgres: { url: string; pid: number | null };
}

function markerPath(dataDir: string): string {
  return path.join(dataDir, 'store.json');
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(1000);
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => (sock.destroy(), resolve(false)));
    sock.once('timeout', () => (sock.destroy(), resolve(false)));
  });
}

/** The store another process runs for this data directory, if it is alive and answering. */
export async function findRunningStore(dataDir: string): Promise<RunningStore | null> {
  let running: RunningStore;
  try {
    running = JSON.parse(fs.readFileSync(markerPath(dataDir), 'utf8')) as RunningStore;
  } catch {
    return null;
  }
  if (!processAlive(running.pid) || !(await portAnswers(running.port))) return null;
  return running;
}

/**
 * Connects to the store already running for `dataDir` (a server started with
 * `npm start` or `npm run store`: its PostgreSQL cannot be opened twice), or
 * starts one. An attached store's `stop()` leaves it running.
 */
export async function openEmbeddedStore(opts: StartStoreOptions): Promise<EmbeddedStore> {
  if (!opts.postgresUrl) {
    const running = await findRunningStore(opts.dataDir);
    if (running) return { ...running, attached: true, stop: async () => {} };
  }
  return startEmbeddedStore(opts);
}
