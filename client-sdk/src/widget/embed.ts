/**
 * Entry of `/embed.js`: defines the global `Parley` and mounts the widget into
 * `#parley` from the script tag's `data-*` attributes. Loading the script twice
 * reuses the first global, and mounting an element again replaces its widget,
 * so client-side navigation and duplicate tags are both safe.
 */
import { Widget, type WidgetHandle, type WidgetOptions } from './widget';

/** The global `Parley` object. */
export interface ParleyGlobal {
  /** Mounts a widget into an element (or a selector); an element mounted before is re-mounted. */
  mount(el: Element | string, options?: Partial<WidgetOptions>): WidgetHandle;
  /** Signs the reader in (or out, with null) in every mounted widget and in later mounts. */
  setToken(token: string | null): void;
  /** @internal Mounts from a script tag's data attributes (shared by every copy of embed.js). */
  autoMount(script: HTMLScriptElement | null): void;
}

declare global {
  interface Window {
    Parley?: ParleyGlobal;
  }
}

type Entry = { widget: Widget; key: string };

function canonicalPath(): string {
  const link = document.querySelector<HTMLLinkElement>('link[rel="canonical"]');
  try {
    if (link?.href) return new URL(link.href, location.href).pathname;
  } catch {
    // An unparsable canonical link: fall back to the location.
  }
  return location.pathname || '/';
}

function createGlobal(): ParleyGlobal {
  const mounted = new Map<Element, Entry>();
  let token: string | null | undefined;
  let defaults: Partial<WidgetOptions> = {};

  function resolve(el: Element | string): HTMLElement {
    const found = typeof el === 'string' ? document.querySelector(el) : el;
    if (!(found instanceof HTMLElement)) throw new Error(`Parley: no element ${String(el)} to mount into`);
    return found;
  }

  function mountWith(host: HTMLElement, options: Partial<WidgetOptions>, key: string): WidgetHandle {
    mounted.get(host)?.widget.destroy();
    const o = { ...defaults, ...options } as WidgetOptions;
    if (!o.site) throw new Error('Parley: a site id is required (data-site)');
    o.page = o.page || canonicalPath();
    o.url = (o.url || location.origin).replace(/\/+$/, '');
    if (o.token === undefined && token !== undefined) o.token = token;
    const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const widget = new Widget(host, shadow, o);
    const entry = { widget, key };
    mounted.set(host, entry);
    widget.start();
    return {
      destroy() {
        widget.destroy();
        if (mounted.get(host) === entry) mounted.delete(host);
      },
      setToken: (t) => widget.setToken(t),
    };
  }

  const api: ParleyGlobal = {
    mount: (el, options = {}) => mountWith(resolve(el), options, JSON.stringify(options)),
    setToken(t) {
      token = t;
      for (const { widget } of mounted.values()) widget.setToken(t);
    },
    autoMount(script) {
      const d = script?.dataset ?? {};
      let origin = '';
      try {
        origin = script?.src ? new URL(script.src, location.href).origin : '';
      } catch {
        // Inline or odd script URL: the host page's origin is the only guess left.
      }
      const options: Partial<WidgetOptions> = {
        site: d.site,
        url: d.url || origin || location.origin,
        ...(d.page ? { page: d.page } : {}),
        ...(d.token ? { token: d.token } : {}),
        // Without data-lang the widget speaks the host page's language (<html lang>), English when unknown.
        ...(d.lang || document.documentElement.lang ? { lang: d.lang || document.documentElement.lang } : {}),
        ...(d.theme ? { theme: d.theme as WidgetOptions['theme'] } : {}),
      };
      defaults = { ...options, page: undefined, token: undefined };
      const run = () => {
        const host = document.querySelector<HTMLElement>(d.target || '#parley');
        if (!host || !options.site) return;
        const key = JSON.stringify(options);
        // The same script tag seen twice (a duplicate include): keep the widget that is already there.
        if (mounted.get(host)?.key === key && !mounted.get(host)!.widget.dead) return;
        mountWith(host, options, key);
      };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run, { once: true });
      else run();
    },
  };
  return api;
}

const current = document.currentScript as HTMLScriptElement | null;
const parley = window.Parley ?? createGlobal();
window.Parley = parley;
parley.autoMount(current);

// The bundle assigns these exports to the global `Parley` (esbuild's globalName), so they
// delegate to the first copy's registry: a second embed.js shares the widgets of the first.
/** Mounts a widget into an element or selector (see {@link ParleyGlobal.mount}). */
export const mount: ParleyGlobal['mount'] = (el, options) => parley.mount(el, options);
/** Signs the reader in or out in every widget (see {@link ParleyGlobal.setToken}). */
export const setToken: ParleyGlobal['setToken'] = (token) => parley.setToken(token);
/** @internal */
export const autoMount: ParleyGlobal['autoMount'] = (script) => parley.autoMount(script);
