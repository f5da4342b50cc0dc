import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full collection found
 * live, while an import runs in a process of its own (the CLI). An import
 * makes garbage at file speed (parsed records, sanitized messages, batches
 * waiting for the store, all of which outlive a young collection), and V8's
 * own factor, up to 4x what is live, let a 400 MB Disqus export reach 465 MiB
 * of RSS with 240 MiB of it dead; at 20 % it stays near 240 MiB, for ~10 %
 * more time collecting (hidden behind the store's writes).
 */
export const IMPORT_HEAP_GROWING_PERCENT = 20;

/**
 * Bounds the heap of a process that exists to import (the CLI's `import`,
 * the benchmark). Process-wide, so never called in the server, whose heap
 * is its own business: there an import over REST shares the server's heap.
 */
export function boundImportHeap(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${IMPORT_HEAP_GROWING_PERCENT}`);
}
