/**
 * A tiny third-party "news site" on its own origin that embeds the widget the
 * way a customer would, with the pages the isolation tests need: a strict CSP,
 * a hostile stylesheet, a plain page and one that includes embed.js twice.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running host site. */
export interface HostSite {
  url: string;
  close(): Promise<void>;
}

const HOSTILE_CSS = `* { color: red !important; font-size: 3px !important; }
button, textarea, form, p, a { display: none !important; }
#parley { border: 0; }`;

function page(
  parley: string,
  pageId: string,
  opts: { css?: boolean; twice?: boolean; site?: string; lang?: string } = {},
): string {
  const tag = `<script src="${parley}/embed.js" data-site="${opts.site ?? 'demo'}" data-page="${pageId}" async></script>`;
  return `<!doctype html><html lang="${opts.lang ?? 'en'}"><head><meta charset="utf-8"><title>Host ${pageId}</title>
${opts.css ? '<link rel="stylesheet" href="/hostile.css">' : ''}</head>
<body><h1>A host article</h1><p>Some text of the host page.</p><div id="parley"></div>${tag}${opts.twice ? tag : ''}</body></html>`;
}

/**
 * `/page.html?page=…&lang=…&theme=…&token=…&font=…`: any page id, language, theme and reader, and
 * optionally a fixed font (screenshots use DejaVu Sans, which Debian ships) and
 * `plain=1` for no host text above the widget.
 */
function customPage(parley: string, q: URLSearchParams): string {
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const data = [
    `data-site="${attr(q.get('site') ?? 'demo')}"`,
    `data-page="${attr(q.get('page') ?? '/e2e/custom')}"`,
    q.get('lang') ? `data-lang="${attr(q.get('lang')!)}"` : '',
    q.get('theme') ? `data-theme="${attr(q.get('theme')!)}"` : '',
    q.get('token') ? `data-token="${attr(q.get('token')!)}"` : '',
  ].join(' ');
  const font = q.get('font')
    ? `<style>body{margin:16px;font-family:"${attr(q.get('font')!)}"}#parley{--parley-font:"${attr(q.get('font')!)}"}</style>`
    : '';
  const intro = q.get('plain') ? '' : '<h1>A host article</h1><p>Some text of the host page.</p>';
  return `<!doctype html><html lang="${attr(q.get('lang') ?? 'en')}"><head><meta charset="utf-8"><title>Host page</title>${font}</head>
<body>${intro}<div id="parley"></div><script src="${parley}/embed.js" ${data} async></script></body></html>`;
}

/** A site without guests that `/members.html` embeds (the test creates it). */
export const MEMBERS_SITE = 'members-only';
/** A guests site with `proofOfWork: "guests"` that `/pow.html` embeds (the test creates it). */
export const POW_SITE = 'pow-guests';

/** Starts the host site; `parley` is the Parley server's origin. */
export async function startHostSite(parley: string): Promise<HostSite> {
  const csp = `default-src 'self' ${parley}; connect-src 'self' ws: http:`;
  // Workers refused outright: the widget's proof of work must not need one.
  const noWorkers = `${csp}; worker-src 'none'`;
  const routes: Record<string, { body: string; type: string; csp?: boolean; policy?: string }> = {
    '/pow.html': { body: page(parley, '/e2e/pow', { site: POW_SITE }), type: 'text/html', csp: true, policy: noWorkers },
    '/csp.html': { body: page(parley, '/e2e/csp'), type: 'text/html', csp: true },
    '/hostile.html': { body: page(parley, '/e2e/hostile', { css: true }), type: 'text/html', csp: true },
    '/plain.html': { body: page(parley, '/e2e/plain'), type: 'text/html' },
    '/keyboard.html': { body: page(parley, '/e2e/keyboard'), type: 'text/html', csp: true },
    '/twice.html': { body: page(parley, '/e2e/twice', { twice: true }), type: 'text/html', csp: true },
    '/members.html': { body: page(parley, '/e2e/members', { site: MEMBERS_SITE }), type: 'text/html', csp: true },
    '/es.html': { body: page(parley, '/e2e/es', { lang: 'es-MX' }), type: 'text/html', csp: true },
    '/hostile.css': { body: HOSTILE_CSS, type: 'text/css' },
  };
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith('/page.html?')) {
      const body = customPage(parley, new URL(req.url!, 'http://host').searchParams);
      return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);
    }
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (!route) return void res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
    const headers: Record<string, string> = { 'Content-Type': `${route.type}; charset=utf-8`, 'Cache-Control': 'no-store' };
    if (route.csp) headers['Content-Security-Policy'] = route.policy ?? csp;
    res.writeHead(200, headers).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // Another port is another origin: the widget runs cross-origin, as on a customer's site.
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
