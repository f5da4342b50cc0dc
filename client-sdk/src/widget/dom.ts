/** Tiny DOM helpers: the widget builds its tree with these instead of a framework. */

type Child = Node | string | null | undefined | false;
/** Attributes of {@link h}: `class`, `text`, boolean and string attributes. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/**
 * Creates an element. Strings become text nodes, never markup: the only
 * HTML the widget ever parses is the server-sanitized `comment.html`.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = String(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, ...children);
  return el;
}

/** Appends children, skipping empty ones. */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) if (c) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

/** Sets an element's text. */
export function text(el: Element | null | undefined, value: string): void {
  if (el && el.textContent !== value) el.textContent = value;
}

/** Shows or hides an element with the `hidden` attribute (styled `display: none` in the sheet). */
export function show(el: HTMLElement | null | undefined, visible: boolean): void {
  if (el) el.hidden = !visible;
}

/** Closest ancestor (or self) matching a selector, starting from an event target. */
export function closest<T extends Element = HTMLElement>(target: EventTarget | null, selector: string): T | null {
  return target instanceof Element ? (target.closest(selector) as T | null) : null;
}

/** A random id for client nonces and element ids. */
export function randomId(prefix = 'w'): string {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(36).padStart(2, '0');
  return `${prefix}-${s}`;
}
