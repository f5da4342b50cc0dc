/**
 * Screenshots of the widget in Chromium compared with committed baselines
 * (tests/e2e/__screenshots__), so a layout regression fails the suite: light and
 * dark, 390 px and 1280 px, English and Spanish, for an empty thread, a thread
 * with replies, the new-comments pill, a held comment and a refused post.
 * Deterministic: fixed data and dates, DejaVu Sans (Debian's fonts-dejavu-core),
 * UTC, reduced motion, animations and the caret off.
 * Refresh the baselines after an intended change: `npm run test:e2e:update-screenshots`.
 */
import type { Browser, Page } from 'playwright-core';
import type { TestNode } from '../helpers/harness';
import { launchBrowser, readerToken, restPost, startDemoNode } from './browser';
import { startHostSite, type HostSite } from './host-pages';
import { compareScreenshot, storeThread, THREAD, UPDATING, withinTolerance, type FixedComment } from './visual';

jest.setTimeout(60_000);

type Scheme = 'light' | 'dark';
interface Variant {
  scheme: Scheme;
  width: 390 | 1280;
  lang: 'en' | 'es';
}

const ALL: Variant[] = (['light', 'dark'] as const).flatMap((scheme) =>
  ([390, 1280] as const).flatMap((width) => (['en', 'es'] as const).map((lang) => ({ scheme, width, lang }))),
);
/** The other states are shot in two opposite corners of the matrix. */
const CORNERS: Variant[] = [
  { scheme: 'light', width: 1280, lang: 'en' },
  { scheme: 'dark', width: 390, lang: 'es' },
];
const label = (v: Variant) => `${v.scheme}-${v.width}-${v.lang}`;

let node: TestNode;
let host: HostSite;
let browser: Browser;
let seq = 0;

beforeAll(async () => {
  [node, browser] = await Promise.all([startDemoNode(), launchBrowser()]);
  host = await startHostSite(node.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await node?.close();
});

/** Opens the widget on a fresh page id in a context fixed for screenshots; returns the page and its errors. */
async function shoot(
  v: Variant,
  opts: { comments?: FixedComment[]; token?: string } = {},
): Promise<{ page: Page; pageId: string; errors: string[]; close: () => Promise<void> }> {
  const pageId = `/visual/${++seq}-${Date.now()}`;
  if (opts.comments) await storeThread(node.mongo, pageId, opts.comments);
  const context = await browser.newContext({
    viewport: { width: v.width, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: v.scheme,
    reducedMotion: 'reduce',
    timezoneId: 'UTC',
    locale: v.lang === 'es' ? 'es-ES' : 'en-US',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const q = new URLSearchParams({ page: pageId, lang: v.lang, font: 'DejaVu Sans', plain: '1' });
  if (opts.token) q.set('token', opts.token);
  await page.goto(`${host.url}/page.html?${q}`);
  // Loaded, joined (the presence line shows this one reader) and connected.
  await page.waitForFunction(() => {
    const root = document.querySelector('#parley')?.shadowRoot;
    const status = root?.querySelector<HTMLElement>('.status');
    const presence = root?.querySelector<HTMLElement>('.presence');
    return Boolean(status && !/Loading|Cargando/.test(status.textContent ?? '') && presence && !presence.hidden);
  });
  await page.evaluate(() => document.fonts.ready);
  return { page, pageId, errors, close: () => context.close() };
}

/** Takes the widget's screenshot and compares it with the baseline of that name. */
async function expectMatches(page: Page, name: string): Promise<void> {
  const png = await page.locator('#parley').screenshot({ animations: 'disabled', caret: 'hide', scale: 'css' });
  const result = compareScreenshot(name, png);
  expect({ ...result, withinTolerance: withinTolerance(result) }).toEqual({
    name,
    baseline: UPDATING ? 'written' : 'compared',
    sizeMatches: true,
    diffRatio: expect.any(Number),
    withinTolerance: true,
  });
}

describe.each(ALL)('thread with replies ($scheme, $width px, $lang)', (v) => {
  test('when a thread with nested replies is shown, then it matches the baseline', async () => {
    const s = await shoot(v, { comments: THREAD });
    try {
      await s.page.locator('#parley .replies li.c', { hasText: 'Thanks, that helps.' }).waitFor();
      await expectMatches(s.page, `thread-${label(v)}`);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe.each(CORNERS)('other states ($scheme, $width px, $lang)', (v) => {
  test('when the thread is empty, then it matches the baseline', async () => {
    const s = await shoot(v);
    try {
      await expectMatches(s.page, `empty-${label(v)}`);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  test('when a comment arrives while reading, then the pill matches the baseline', async () => {
    const s = await shoot(v, { comments: THREAD });
    try {
      await restPost(node, await readerToken(node), 'Arrived while you were reading', { page: s.pageId });
      await s.page.locator('#parley .new').waitFor();
      await expectMatches(s.page, `pill-${label(v)}`);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  test('when the reader’s own comment is held for moderation, then it matches the baseline', async () => {
    const token = await readerToken(node, { sub: 'camila', name: 'Camila Reyes' });
    const held: FixedComment = {
      key: 'h1',
      author: 'Camila Reyes',
      authorId: 'camila',
      body: 'I was on that bus: it left ten minutes early.',
      at: '2024-03-05T10:15:00Z',
      status: 'pending',
    };
    const s = await shoot(v, { comments: [...THREAD.slice(0, 1), held], token });
    try {
      await s.page.locator('#parley li.c .state').waitFor();
      await expectMatches(s.page, `held-${label(v)}`);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  test('when a post is refused, then the error state matches the baseline', async () => {
    const userId = `banned-${label(v)}`;
    const mod = {
      siteId: 'demo',
      principal: { userId: 'mod', name: 'Mod', avatar: null, guest: false, roles: ['moderator' as const] },
    };
    await node.app.services.moderation.ban(mod, userId, 'visual test');
    const token = await readerToken(node, { sub: userId, name: 'Camila Reyes' });
    const s = await shoot(v, { comments: THREAD.slice(0, 1), token });
    try {
      await s.page.fill('#parley form[data-form="post"] textarea', 'This one will not be sent.');
      await s.page.click('#parley form[data-form="post"] button[type="submit"]');
      await s.page.locator('#parley li.c .state[data-kind="failed"]').waitFor();
      await expectMatches(s.page, `error-${label(v)}`);
      // The browser logs the refused request itself; no script error may happen.
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
