import fs from 'node:fs';
import path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'store', 'ferretdb'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** The repository root, found from this file (works from `server/src` and from `dist/`). */
export const REPO_ROOT = findRepoRoot(__dirname);
