import type { ImportProgress } from '../modules/imports/import.service';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Shows import progress on stderr: a redrawn bar (threads, comments, rate,
 * ETA) on a terminal, a plain line per 10 % otherwise (logs, CI, pipes).
 */
export function progressPrinter(out: NodeJS.WriteStream, now: () => number = Date.now): (p: ImportProgress) => void {
  const started = now();
  let lastDraw = 0;
  let lastTenth = -1;
  return (p) => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? Math.round(p.comments / elapsed) : 0;
    const eta = p.percent > 0 ? (elapsed * (100 - p.percent)) / p.percent : Number.NaN;
    const facts = `${p.phase} | threads ${p.threads} | comments ${p.comments} (${p.imported} written) | ${rate}/s | ETA ${clock(eta)}`;
    if (out.isTTY) {
      if (now() - lastDraw < 100 && p.phase !== 'done') return;
      lastDraw = now();
      const width = 24;
      const full = Math.round((p.percent / 100) * width);
      out.write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(p.percent).padStart(3)}% ${facts}\u001b[K`);
      if (p.phase === 'done') out.write('\n');
      return;
    }
    const tenth = Math.floor(p.percent / 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      out.write(`import ${tenth * 10}%: ${facts}\n`);
    }
  };
}
