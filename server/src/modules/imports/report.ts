import type { OrphanReason } from './plan';
import { describePosition, type ImportFormat, type SkipReason, type SourcePosition } from './source';

/** At most this many orphans and errors are listed one by one (all are counted). */
export const REPORT_LIST_LIMIT = 1000;

/** What an import saw and did. */
export interface ImportReport {
  format: ImportFormat;
  dryRun: boolean;
  threads: { seen: number; imported: number };
  comments: {
    seen: number;
    imported: number;
    alreadyPresent: number;
    skipped: Partial<Record<SkipReason, number>>;
  };
  orphans: { count: number; items: { id: string; reason: OrphanReason; position: string }[] };
  errors: { count: number; items: { message: string; position: string }[] };
  /** Set when the run stopped early: malformed input (with its position) or a failure. */
  failed: { message: string } | null;
  durationMs: number;
}

/** A report before anything was read. */
export function emptyReport(format: ImportFormat, dryRun: boolean): ImportReport {
  return {
    format,
    dryRun,
    threads: { seen: 0, imported: 0 },
    comments: { seen: 0, imported: 0, alreadyPresent: 0, skipped: {} },
    orphans: { count: 0, items: [] },
    errors: { count: 0, items: [] },
    failed: null,
    durationMs: 0,
  };
}

/** Counts a skipped comment. */
export function countSkip(r: ImportReport, reason: SkipReason): void {
  r.comments.skipped[reason] = (r.comments.skipped[reason] ?? 0) + 1;
}

/** Lists an error of one record (the run goes on). */
export function addError(r: ImportReport, message: string, position: SourcePosition): void {
  r.errors.count++;
  if (r.errors.items.length < REPORT_LIST_LIMIT) r.errors.items.push({ message, position: describePosition(position) });
}

/** Lists a reply moved to its thread's top level. */
export function addOrphan(r: ImportReport, id: string, reason: OrphanReason, position: SourcePosition): void {
  r.orphans.count++;
  if (r.orphans.items.length < REPORT_LIST_LIMIT) r.orphans.items.push({ id, reason, position: describePosition(position) });
}

/** The report as people read it (the CLI prints it; `--json` prints the object instead). */
export function formatReport(r: ImportReport): string {
  const skipped = Object.entries(r.comments.skipped).map(([k, n]) => `${k} ${n}`);
  const lines = [
    `${r.dryRun ? 'Dry run (nothing written)' : 'Import'} from ${r.format}${r.failed ? ' STOPPED' : ''}: ${(r.durationMs / 1000).toFixed(1)} s`,
    `  threads:   ${r.threads.seen} seen, ${r.threads.imported} with imported comments`,
    `  comments:  ${r.comments.seen} seen, ${r.comments.imported} ${r.dryRun ? 'to import' : 'imported'}, ${r.comments.alreadyPresent} already present`,
    `  skipped:   ${skipped.length ? skipped.join(', ') : 'none'}`,
    `  orphans:   ${r.orphans.count} replies re-attached at their thread's top level`,
    ...r.orphans.items.slice(0, 20).map((o) => `    ${o.id} (${o.reason}) at ${o.position}`),
    `  errors:    ${r.errors.count}`,
    ...r.errors.items.slice(0, 20).map((e) => `    ${e.position}: ${e.message}`),
  ];
  if (r.failed) lines.push(`  stopped:   ${r.failed.message}`);
  return lines.join('\n');
}
