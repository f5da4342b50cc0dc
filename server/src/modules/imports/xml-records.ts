import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { ImportFormatError } from './source';

/** An element of a record, with its text (text and CDATA of its own, children apart). */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
  line: number;
  column: number;
}

/** The first child of a node with this name. */
export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

/** The trimmed text of a child, or null when absent or empty. */
export function childText(node: XmlNode, name: string): string | null {
  const text = child(node, name)?.text.trim();
  return text ? text : null;
}

/** An XML element found at a record path: the root name is checked, records are built whole. */
export interface XmlRecordOptions {
  /** The root element the format has (`disqus`, `rss`); another root means another format. */
  root: string;
  /** Human name of the format for messages. */
  formatName: string;
  /** Whether an element at this path (root first) is a record to build and yield. */
  isRecord(path: readonly string[]): boolean;
}

/**
 * Streams an XML document and yields the elements the options call records,
 * each as a small tree, so memory holds one record at a time. Not well-formed
 * XML, another root element and a truncated file end with an ImportFormatError
 * naming the line and column.
 */
export async function* xmlRecords(input: AsyncIterable<Buffer | string>, opts: XmlRecordOptions): AsyncGenerator<XmlNode> {
  const parser = new SaxesParser({ position: true });
  const path: string[] = [];
  const stack: XmlNode[] = [];
  const ready: XmlNode[] = [];
  let failure: ImportFormatError | null = null;
  let sawRoot = false;
  const fail = (message: string) => {
    failure ??= new ImportFormatError(message, { line: parser.line, column: parser.column + 1 });
  };
  parser.on('error', (err) => fail(err.message.replace(/^\d+:\d+: /, '')));
  parser.on('opentag', (tag) => {
    if (!sawRoot) {
      sawRoot = true;
      if (tag.name !== opts.root)
        fail(`this is not a ${opts.formatName} export: its root element is <${tag.name}>, expected <${opts.root}>`);
    }
    path.push(tag.name);
    if (stack.length || opts.isRecord(path)) {
      const node: XmlNode = {
        name: tag.name,
        attrs: { ...(tag.attributes as Record<string, string>) },
        children: [],
        text: '',
        line: parser.line,
        column: parser.column,
      };
      stack[stack.length - 1]?.children.push(node);
      stack.push(node);
    }
  });
  const onText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    path.pop();
    const node = stack.pop();
    if (node && stack.length === 0) ready.push(node);
  });
  // A multi-byte character can straddle two chunks.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (failure) throw failure;
    while (ready.length) yield ready.shift()!;
  }
  const rest = decoder.end();
  if (rest && !failure) parser.write(rest);
  if (!sawRoot) fail(`the file is empty or holds no XML element: expected a ${opts.formatName} export`);
  if (!failure) parser.close();
  if (failure) throw failure;
  while (ready.length) yield ready.shift()!;
}
