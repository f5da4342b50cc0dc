/**
 * Shared pieces of the browser tests: building the bundles once, launching the
 * system Chromium (never a downloaded one), opening pages that record errors
 * and CSP violations, and finding things inside the widget's shadow root.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createLogger } from '../../server/src/logger';
import { ensureDemoSite } from '../../server/src/modules/demo/demo-site';
import { signToken, startNode, uniqueId, until, type TestNode, type TokenClaims } from '../helpers/harness';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'client-sdk', 'dist');
const SRC = path.join(ROOT, 'client-sdk', 'src');
/** Where screenshots go (git-ignored). */
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

function bundlesFresh(): boolean {
  const built = ['embed.js', 'moderate.js'].map((f) => path.join(DIST, f));
  if (!built.every((f) => fs.existsSync(f))) return false;
  return Math.min(...built.map((f) => fs.statSync(f).mtimeMs)) >= newestMtime(SRC);
}

/**
 * Builds embed.js and moderate.js unless they are newer than every SDK source
 * (the team's test command runs `npm run build:sdk` first; this covers a bare
 * `jest --selectProjects e2e`). A lock file keeps parallel workers from building at once.
 */
export async function ensureBundles(): Promise<void> {
  const lock = path.join(ROOT, '.cache', 'e2e-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    if (bundlesFresh()) return;
    let fd: number | null = null;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch {
      // Another worker builds; a lock older than two minutes is a crashed run's leftover.
      if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) fs.rmSync(lock, { force: true });
      await until(() => !fs.existsSync(lock), 90_000, 'the other worker to finish building the bundles');
      continue;
    }
    try {
      if (!bundlesFresh())
        execFileSync(process.execPath, [path.join(ROOT, 'client-sdk', 'build.mjs'), '--no-types'], { stdio: 'pipe' });
    } finally {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  }
}

/** Launches the system Chromium headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A Parley node in development mode with the demo site, on its own database. */
export async function startDemoNode(): Promise<TestNode> {
  await ensureBundles();
  const node = await startNode({ dev: true, dbName: uniqueId('e2e').replace(/-/g, '_') });
  await ensureDemoSite(node.app.services.sites, createLogger('silent'));
  // Every browser posts from 127.0.0.1: lift the per-IP limits so tests measure the widget, not the limiter.
  const limits = {
    postsPerMinutePerUser: 100,
    postsPerMinutePerIp: 1000,
    guestTokensPerHourPerIp: 1000,
    flagsPerHourPerUser: 100,
    connectionsPerMinutePerIp: 1000,
  };
  await node.app.services.sites.update('demo', { limits });
  return node;
}

/** A reader token for the demo site signed with its secret, as the site's backend would (a new user each call). */
export async function readerToken(node: TestNode, claims: TokenClaims = {}): Promise<string> {
  const sites = node.app.services.sites;
  const secret = sites.secretOf(await sites.get('demo'));
  return signToken({ siteId: 'demo', secret }, { name: 'Camila Reyes', ...claims });
}

/** A page plus everything that went wrong on it. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  violations: string[];
  alerts: string[];
}

/** Opens a page in a fresh context, recording console errors, page errors, CSP violations and alert() calls. */
export async function openPage(
  browser: Browser,
  url: string,
  opts: { colorScheme?: 'light' | 'dark'; width?: number } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1000, height: 900 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const watched: WatchedPage = { page, context, errors: [], violations: [], alerts: [] };
  page.on('console', (m) => m.type() === 'error' && watched.errors.push(m.text()));
  page.on('pageerror', (e) => watched.errors.push(e.message));
  await page.exposeFunction('__parleyReport', (kind: string, detail: string) => {
    (kind === 'alert' ? watched.alerts : watched.violations).push(detail);
  });
  await page.addInitScript(() => {
    const report = (window as unknown as { __parleyReport: (k: string, d: string) => void }).__parleyReport;
    document.addEventListener('securitypolicyviolation', (e) => report('csp', `${e.violatedDirective} ${e.blockedURI}`));
    window.alert = (msg?: unknown) => report('alert', String(msg));
  });
  await page.goto(url);
  return watched;
}

/** Waits until the widget has loaded its comments (the heading shows a count and the loading line is gone). */
export async function widgetReady(page: Page): Promise<void> {
  await page.locator('#parley .count').waitFor();
  await page.waitForFunction(() => {
    const root = document.querySelector('#parley')?.shadowRoot;
    const status = root?.querySelector<HTMLElement>('.status');
    return Boolean(root?.querySelector('.count')?.textContent && status && !/Loading|Cargando/.test(status.textContent ?? ''));
  });
}

/** A token for the demo site from the development endpoint. */
export async function devToken(node: TestNode, role: 'reader' | 'moderator', name?: string): Promise<string> {
  const res = await fetch(`${node.url}/api/v1/dev/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role, name }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** Posts a comment to a demo page over REST and returns its id. */
export async function restPost(
  node: TestNode,
  token: string,
  body: string,
  opts: { page?: string; parentId?: string } = {},
): Promise<string> {
  const page = encodeURIComponent(opts.page ?? '/demo/article');
  const res = await fetch(`${node.url}/api/v1/sites/demo/pages/${page}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ body, parentId: opts.parentId }),
  });
  if (res.status !== 201 && res.status !== 202) throw new Error(`post failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { comment: { id: string } }).comment.id;
}

/** Closes a watched page's context. */
export async function closePage(p: WatchedPage | undefined): Promise<void> {
  await p?.context.close();
}

/** What an e2e file on the demo page works with (see {@link demoSuite}). */
export interface DemoSuite {
  readonly node: TestNode;
  readonly browser: Browser;
  /** Opens a URL in a fresh watched page that is checked for page errors and closed after the test. */
  open(url: string): Promise<WatchedPage>;
}

/**
 * Registers the lifecycle every demo-page e2e file shares: one demo node and
 * one browser for the file; after each test, every page opened through `open`
 * must have logged no error and is closed, then `afterEach` runs (to reset
 * what the test changed).
 */
export function demoSuite(opts: { afterEach?: (node: TestNode) => Promise<unknown> } = {}): DemoSuite {
  let node: TestNode | undefined;
  let browser: Browser | undefined;
  let pages: WatchedPage[] = [];
  beforeAll(async () => {
    [node, browser] = await Promise.all([startDemoNode(), launchBrowser()]);
  });
  afterEach(async () => {
    for (const p of pages) {
      expect(p.errors).toEqual([]);
      await closePage(p);
    }
    pages = [];
    if (node) await opts.afterEach?.(node);
  });
  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the demo suite has not started (use it inside tests)');
    return value;
  };
  return {
    get node() {
      return started(node);
    },
    get browser() {
      return started(browser);
    },
    async open(url) {
      const p = await openPage(started(browser), url);
      pages.push(p);
      return p;
    },
  };
}
