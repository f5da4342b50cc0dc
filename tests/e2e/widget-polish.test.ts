/**
 * Widget rough edges: the "N new comments" pill keeps its own height, a comment
 * arriving on an empty thread shows at once, and the header links the page's Atom feed.
 */
import { DOMParser } from '@xmldom/xmldom';
import type { Page } from 'playwright-core';
import { demoSuite, openPage, readerToken, restPost, widgetReady, type WatchedPage } from './browser';
import { startHostSite, type HostSite } from './host-pages';

jest.setTimeout(45_000);

const suite = demoSuite();
let host: HostSite;
beforeAll(async () => {
  host = await startHostSite(suite.node.url);
});
afterAll(() => host?.close());
const extra: WatchedPage[] = [];
afterEach(async () => {
  for (const p of extra.splice(0)) {
    expect(p.errors).toEqual([]);
    await p.context.close();
  }
});

const stamp = () => Math.random().toString(36).slice(2, 8);

async function pageAt(width: number, pageId: string): Promise<Page> {
  const p = await openPage(suite.browser, `${host.url}/page.html?page=${encodeURIComponent(pageId)}`, { width });
  extra.push(p);
  await widgetReady(p.page);
  return p.page;
}

test('when comments wait behind the notice at 900 px and 390 px, then the pill is as tall as its text and nothing overflows', async () => {
  await restPost(suite.node, await readerToken(suite.node), `Seed ${stamp()}`);
  for (const width of [900, 390]) {
    const { page } = await suite.open(`${suite.node.url}/`).then(async (p) => {
      await p.page.setViewportSize({ width, height: 900 });
      await widgetReady(p.page);
      return p;
    });
    await restPost(suite.node, await readerToken(suite.node), `Live one ${stamp()}`);
    await page.locator('#parley .new').waitFor();
    const box = await page.evaluate(() => {
      const pill = document.querySelector('#parley')!.shadowRoot!.querySelector<HTMLElement>('.new')!;
      const range = document.createRange();
      range.selectNodeContents(pill);
      const text = range.getBoundingClientRect();
      const own = pill.getBoundingClientRect();
      return {
        pill: own.height,
        text: text.height,
        overflows: pill.scrollHeight > pill.clientHeight + 1,
        insideWidget: own.right <= document.querySelector('#parley')!.getBoundingClientRect().right + 1,
      };
    });
    expect({ width, overflows: box.overflows, insideWidget: box.insideWidget }).toEqual({
      width,
      overflows: false,
      insideWidget: true,
    });
    expect(box.pill).toBeGreaterThan(box.text);
  }
});

test('when the thread is empty and a comment arrives live, then it shows at once instead of "No comments yet" and a pill', async () => {
  const pageId = `/e2e/empty-${stamp()}`;
  const page = await pageAt(1000, pageId);
  await page.locator('#parley .status', { hasText: 'No comments yet' }).waitFor();
  const text = `First on an empty page ${stamp()}`;
  await restPost(suite.node, await readerToken(suite.node), text, { page: pageId });
  await page.locator('#parley li.c', { hasText: text }).waitFor();
  expect(await page.locator('#parley .new').isVisible()).toBe(false);
  expect(await page.locator('#parley .status').isVisible()).toBe(false);
  await page.locator('#parley .count', { hasText: '1 comment' }).waitFor();

  // The second arrival waits behind the notice, as on any thread the reader is reading.
  await restPost(suite.node, await readerToken(suite.node), `Second ${stamp()}`, { page: pageId });
  await page.locator('#parley .new', { hasText: '1 new comment' }).waitFor();
});

test('when the widget header is read, then its feed link points to the page feed, which parses as Atom with the page’s comments', async () => {
  const pageId = `/e2e/feed-${stamp()}`;
  const text = `Feed me ${stamp()}`;
  await restPost(suite.node, await readerToken(suite.node), text, { page: pageId });
  const page = await pageAt(1000, pageId);
  const link = page.locator('#parley a.feed');
  expect(await link.getAttribute('type')).toBe('application/atom+xml');
  const href = (await link.getAttribute('href'))!;
  expect(href).toBe(`${suite.node.url}/api/v1/sites/demo/pages/${encodeURIComponent(pageId)}/feed.atom`);
  const res = await page.request.get(href);
  expect(res.status()).toBe(200);
  const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
  const entries = Array.from(doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry'));
  expect(entries.map((e) => e.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'content')[0]?.textContent?.trim())).toEqual([
    `<p>${text}</p>`,
  ]);
});
