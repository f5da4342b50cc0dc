import { StringDecoder } from 'node:string_decoder';
import { ImportFormatError } from './source';

/** One parsed line of an NDJSON file with its line number. */
export interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

async function* lines(input: AsyncIterable<Buffer | string>): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  for await (const chunk of input) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = rest.indexOf('\n')) !== -1) {
      line++;
      yield { line, text: rest.slice(0, nl) };
      rest = rest.slice(nl + 1);
    }
  }
  rest += decoder.end();
  if (rest.length) yield { line: line + 1, text: rest };
}

/**
 * Streams an NDJSON file: one JSON object per line, blank lines skipped. A
 * line that is not a JSON object ends the run with its line number (a
 * truncated last line included), since it means the wrong format or a cut file.
 */
export async function* ndjsonObjects(input: AsyncIterable<Buffer | string>, formatName: string): AsyncGenerator<JsonLine> {
  for await (const { line, text } of lines(input)) {
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const what =
        line === 1 ? `this is not a ${formatName} file (one JSON object per line)` : 'this line is not JSON (a cut file?)';
      throw new ImportFormatError(`${what}: ${(err as Error).message}`, { line });
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new ImportFormatError(`expected a JSON object per line in a ${formatName} file`, { line });
    yield { line, value: value as Record<string, unknown> };
  }
}

/** A string field, or null. */
export function str(o: Record<string, unknown> | undefined, key: string): string | null {
  const v = o?.[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/** An object field, or undefined. */
export function obj(o: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined {
  const v = o?.[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
