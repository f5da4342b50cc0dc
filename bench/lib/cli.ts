import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../server/src/paths';

/** Parses `--name value` and `--flag` arguments. */
export function args(argv = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) out.set(a.slice(2), argv[++i]!);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

/** Writes a report next to the others (artifacts/bench, git-ignored) and returns its path. */
export function saveReport(name: string, text: string): string {
  const dir = path.join(REPO_ROOT, 'artifacts', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  fs.writeFileSync(file, text);
  return file;
}

/** Prints a line to stdout and keeps it for the saved report. */
export class Report {
  readonly lines: string[] = [];
  /** Adds and prints a block. */
  out(text: string): void {
    this.lines.push(text);
    process.stdout.write(`${text}\n`);
  }
  /** The whole report. */
  text(): string {
    return this.lines.join('\n');
  }
}

/** Node flags that make a server write CPU profiles to artifacts/prof/<side> when the bench runs with --prof. */
export function profArgs(side: string, argv = process.argv.slice(2)): string[] {
  return argv.includes('--prof') ? ['--cpu-prof', `--cpu-prof-dir=${path.join(REPO_ROOT, 'artifacts', 'prof', side)}`] : [];
}
