/**
 * The widget on third-party host pages: a strict CSP without unsafe-inline, a
 * hostile stylesheet, an XSS payload, keyboard-only use and a duplicate
 * script tag. Also writes screenshots of the demo page in both themes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createSite, until, type TestNode } from '../helpers/harness';
import {
  closePage,
  launchBrowser,
  openPage,
  readerToken,
  restPost,
  SCREENSHOTS,
  startDemoNode,
  widgetReady,
  type WatchedPage,
} from './browser';
import { MEMBERS_SITE, startHostSite, type HostSite } from './host-pages';

jest.setTimeout(45_000);

let node: TestNode;
let host: HostSite;
let browser: Browser;
let open: WatchedPage[] = [];

beforeAll(async () => {
  [node, browser] = await Promise.all([startDemoNode(), launchBrowser()]);
  host = await startHostSite(node.url);
});

afterEach(async () => {
  for (const p of open) await closePage(p);
  open = [];
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await node?.close();
});

async function visit(url: string, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<WatchedPage> {
  const p = await openPage(browser, url, opts);
  open.push(p);
  await widgetReady(p.page);
  return p;
}

async function postAsGuest(page: Page, name: string, body: string): Promise<void> {
  await page.fill('#parley form[data-form="post"] input[name="name"]', name);
  await page.fill('#parley form[data-form="post"] textarea', body);
  await page.click('#parley form[data-form="post"] button[type="submit"]');
}

/** Computed styles of elements inside the widget's shadow root. */
function styles(page: Page, selector: string, props: string[]): Promise<Record<string, string>> {
  return page.evaluate(
    ([sel, names]) => {
      const el = document.querySelector('#parley')!.shadowRoot!.querySelector(sel as string)!;
      const cs = getComputedStyle(el);
      return Object.fromEntries((names as string[]).map((n) => [n, cs.getPropertyValue(n)]));
    },
    [selector, props] as const,
  );
}

const settled = (page: Page, text: string) =>
  page.locator('#parley li.c', { hasText: text }).locator('button[data-act="delete"]').waitFor();

test('when the host page has a strict CSP without unsafe-inline, then the widget is styled and works with no violation', async () => {
  const { page, violations, errors } = await visit(`${host.url}/csp.html`);
  await postAsGuest(page, 'Valeria', 'Posted under a strict CSP');
  await settled(page, 'Posted under a strict CSP');

  const submit = await styles(page, 'form[data-form="post"] button[type="submit"]', ['background-color', 'border-radius']);
  expect(submit['background-color']).toBe('rgb(10, 88, 202)');
  expect(submit['border-radius']).toBe('8px');
  expect(await page.evaluate(() => document.querySelector('#parley')!.shadowRoot!.adoptedStyleSheets.length)).toBe(1);
  expect(await page.evaluate(() => document.querySelector('#parley')!.shadowRoot!.querySelectorAll('style,[style]').length)).toBe(
    0,
  );
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});

test('when the host stylesheet hides buttons and paints everything red at 3px, then the widget looks and works the same', async () => {
  const { page, errors } = await visit(`${host.url}/hostile.html`);
  const textarea = await styles(page, 'textarea', ['display', 'font-size', 'color']);
  expect(textarea.display).toBe('block');
  expect(textarea['font-size']).toBe('16px');
  expect(textarea.color).not.toBe('rgb(255, 0, 0)');
  const heading = await styles(page, '.count', ['color', 'font-size']);
  expect(heading.color).toBe('rgb(31, 35, 40)');
  expect(heading['font-size']).toBe('20px');

  await postAsGuest(page, 'Julián', 'Still readable under hostile CSS');
  await settled(page, 'Still readable under hostile CSS');
  const body = await styles(page, 'li.c .body p', ['display', 'color', 'font-size']);
  expect(body).toEqual({ display: 'block', color: 'rgb(31, 35, 40)', 'font-size': '16px' });
  expect(errors).toEqual([]);
});

test('when a reader posts an XSS payload, then it renders as inert text on every open page', async () => {
  // A comment already on the page: the payload then waits behind the notice on the other page.
  await restPost(node, await readerToken(node), 'An earlier comment', { page: '/e2e/plain' });
  const a = await visit(`${host.url}/plain.html`);
  const b = await visit(`${host.url}/plain.html`);
  const payload = `<img src=x onerror="alert('img')"><script>alert('script')</script><svg onload="alert('svg')"></svg> [click](javascript:alert('md')) <a href="javascript:alert('a')">a</a> marker-xss`;
  await postAsGuest(a.page, 'Mallory', payload);
  await settled(a.page, 'marker-xss');
  await b.page.click('#parley .new');
  await b.page.locator('#parley li.c', { hasText: 'marker-xss' }).waitFor();

  for (const { page } of [a, b]) {
    const found = await page.evaluate(() => {
      const body = document.querySelector('#parley')!.shadowRoot!.querySelector('li.c .body')!;
      const withHandlers = Array.from(body.querySelectorAll('*')).filter((el) =>
        Array.from(el.attributes).some((at) => at.name.startsWith('on')),
      );
      return {
        dangerous: body.querySelectorAll('img,script,svg,iframe,style,a[href^="javascript"]').length,
        handlers: withHandlers.length,
        text: body.textContent ?? '',
      };
    });
    expect(found.dangerous).toBe(0);
    expect(found.handlers).toBe(0);
    expect(found.text).toContain('marker-xss');
  }
  expect(a.alerts).toEqual([]);
  expect(b.alerts).toEqual([]);
  expect(await a.page.evaluate(() => document.querySelectorAll('img,svg').length)).toBe(0);
});

test('when a reader uses only the keyboard, then they can reach the form and post with Ctrl+Enter or the button', async () => {
  const { page } = await visit(`${host.url}/keyboard.html`);
  const focused = () =>
    page.evaluate(() => document.querySelector('#parley')!.shadowRoot!.activeElement?.getAttribute('name') ?? null);
  for (let i = 0; i < 10 && (await focused()) !== 'name'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('name');
  expect((await styles(page, 'input[name="name"]:focus-visible', ['outline-style']))['outline-style']).toBe('solid');
  await page.keyboard.type('Keyboard Kim');
  await page.keyboard.press('Tab');
  expect(await focused()).toBe('body');
  await page.keyboard.type('Posted with **Ctrl+Enter** only');
  await page.keyboard.press('Control+Enter');
  await settled(page, 'Posted with Ctrl+Enter only');
  expect(await page.locator('#parley li.c strong', { hasText: 'Ctrl+Enter' }).count()).toBe(1);

  await page.locator('#parley form[data-form="post"] textarea').focus();
  await page.keyboard.type('Posted with the submit button');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await settled(page, 'Posted with the submit button');
  expect(await page.locator('#parley li.c', { hasText: 'Posted with the submit button' }).locator('.body').textContent()).toBe(
    'Posted with the submit button',
  );
});

test('when embed.js is included twice, then one widget is mounted and it works', async () => {
  const { page, errors } = await visit(`${host.url}/twice.html`);
  await page.waitForFunction(() => typeof (window as unknown as { Parley?: { mount?: unknown } }).Parley?.mount === 'function');
  expect(await page.evaluate(() => document.querySelector('#parley')!.shadowRoot!.querySelectorAll('section.p').length)).toBe(1);
  await postAsGuest(page, 'Twice', 'One widget even with two tags');
  await settled(page, 'One widget even with two tags');
  expect(await page.locator('#parley li.c', { hasText: 'One widget even with two tags' }).count()).toBe(1);
  expect(errors).toEqual([]);
});

test('when the demo page is shown in light and dark themes, then screenshots of both are written', async () => {
  const ana = await readerToken(node, { name: 'Ana Beltrán' });
  const first = await restPost(
    node,
    ana,
    'Great to see the **Cipreses** alive again. My father used to fish at the Hierro bridge in the eighties.',
  );
  await restPost(
    node,
    await readerToken(node, { name: 'Diego Paredes' }),
    'Same here! The oxygen numbers at the market board are a nice touch.',
    { parentId: first },
  );
  await restPost(
    node,
    await readerToken(node, { name: 'Marisol Duarte' }),
    'I would like to see the contracts published *before* the budget vote, not after.',
  );
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    const { page } = await visit(`${node.url}/`, { colorScheme: scheme });
    await page.locator('#parley li.c li.c').first().waitFor();
    const file = path.join(SCREENSHOTS, `demo-${scheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    const bg = (await styles(page, 'section.p', ['background-color']))['background-color'];
    expect(bg).toBe(scheme === 'light' ? 'rgb(251, 250, 247)' : 'rgb(19, 21, 25)');
  }
});

test('when a page re-mounts the widget in Spanish and then destroys it, then the old socket closes and nothing is left behind', async () => {
  const readers = () => node.app.io.of('/').sockets.size;
  const { page, errors } = await visit(`${host.url}/keyboard.html`);
  await until(() => readers() === 1, 5000, 'one reader socket');

  await page.evaluate(() => {
    const w = window as unknown as { handle: unknown; Parley: { mount(el: string, o: object): unknown } };
    w.handle = w.Parley.mount('#parley', { page: '/e2e/remount', lang: 'es', theme: 'dark' });
  });
  await page.locator('#parley .count', { hasText: '0 comentarios' }).waitFor();
  expect(await page.locator('#parley form[data-form="post"] button[type="submit"]').textContent()).toBe('Publicar');
  expect((await styles(page, 'section.p', ['background-color']))['background-color']).toBe('rgb(22, 24, 29)');
  await until(() => readers() === 1, 5000, 'the first widget to close its socket');

  await page.evaluate(() => (window as unknown as { handle: { destroy(): void } }).handle.destroy());
  await until(() => readers() === 0, 5000, 'the widget to close its socket');
  expect(await page.evaluate(() => document.querySelector('#parley')!.shadowRoot!.childNodes.length)).toBe(0);
  expect(errors).toEqual([]);
});

test('when a post is refused, then it stays marked as not sent and Retry sends it once', async () => {
  const limits = (postsPerMinutePerUser: number) =>
    node.app.services.sites.update('demo', {
      limits: {
        postsPerMinutePerUser,
        postsPerMinutePerIp: 1000,
        guestTokensPerHourPerIp: 1000,
        flagsPerHourPerUser: 100,
        connectionsPerMinutePerIp: 1000,
      },
    });
  await limits(1);
  try {
    const { page } = await visit(`${host.url}/plain.html`);
    await postAsGuest(page, 'Hasty Hugo', 'First one goes through');
    await settled(page, 'First one goes through');
    await page.fill('#parley form[data-form="post"] textarea', 'Second one is too fast');
    await page.click('#parley form[data-form="post"] button[type="submit"]');
    const failed = page.locator('#parley li.c', { hasText: 'Second one is too fast' });
    await failed.locator('.state[data-kind="failed"]', { hasText: 'Not sent' }).waitFor();
    expect(await failed.locator('.body').textContent()).toBe('Second one is too fast');
    await limits(100);
    await failed.locator('button[data-act="retry"]').click();
    await settled(page, 'Second one is too fast');
    expect(await page.locator('#parley li.c', { hasText: 'Second one is too fast' }).count()).toBe(1);
  } finally {
    await limits(100);
  }
});

test('when the site does not allow guests, then an anonymous reader sees a sign-in notice instead of the form', async () => {
  await createSite(node, { siteId: MEMBERS_SITE, guests: false });
  const { page, violations } = await visit(`${host.url}/members.html`);
  const notice = page.locator('#parley p.notice');
  await notice.waitFor({ state: 'visible' });
  expect(await notice.textContent()).toBe('Sign in to join the conversation.');
  expect(await page.locator('#parley textarea').count()).toBe(0);
  expect(violations).toEqual([]);
});

test('when the host page is in Spanish and the script has no data-lang, then the widget speaks Spanish', async () => {
  const { page } = await visit(`${host.url}/es.html`);
  const submit = page.locator('#parley form[data-form="post"] button[type="submit"]');
  await submit.waitFor();
  expect(await submit.textContent()).toBe('Publicar');
});
