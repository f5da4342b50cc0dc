import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/** Name of the development key file inside DATA_DIR. */
export const DEV_SECRETS_KEY_FILE = 'secrets.key';

/**
 * In development the server key lives in DATA_DIR so that restarts (and the
 * CLI, which opens the same DATA_DIR) can still read the sealed site secrets.
 * The file is created once with mode 0600; an existing file is never replaced,
 * because a new key would make every stored site secret unreadable.
 */
export function devSecretsKey(dataDir: string): string {
  const file = path.join(dataDir, DEV_SECRETS_KEY_FILE);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  // `wx` fails if another process created the file meanwhile; then read theirs.
  try {
    fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw err;
  }
  return key;
}

/**
 * The key that seals site secrets and signs guest tokens: SECRETS_KEY when set
 * (required in production, enforced by loadConfig), else the development key file.
 */
export function resolveSecretsKey(config: Pick<Config, 'secretsKey' | 'dataDir'>): string {
  return config.secretsKey ?? devSecretsKey(config.dataDir);
}
