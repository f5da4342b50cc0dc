/**
 * Accessibility: an axe-core audit of the demo page and the moderation page (no
 * serious or critical violations, WCAG 2.0–2.2 A/AA rules plus best practices),
 * and keyboard-only use of the widget (read, post, reply, react, load more) and
 * of the moderation page (sign in, search, approve).
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { demoSuite, readerToken, restPost, widgetReady } from './browser';
import { startHostSite, type HostSite } from './host-pages';
import { storeThread, THREAD, type FixedComment } from './visual';

jest.setTimeout(60_000);

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const suite = demoSuite({
  afterEach: (node) => node.app.services.sites.update('demo', { moderation: 'post' }),
});
let host: HostSite;
beforeAll(async () => {
  host = await startHostSite(suite.node.url);
});
afterAll(() => host?.close());

const stamp = () => Math.random().toString(36).slice(2, 8);

/** Serious and critical axe violations on the page (shadow roots included), as "rule: target" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<AxeResults> } }).axe;
    type AxeResults = { violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] };
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${JSON.stringify(n.target)}`));
  }, TAGS);
}

/** What has keyboard focus, looking into the widget's shadow root. */
async function focused(
  page: Page,
): Promise<{ act: string | null; id: string | null; tag: string; form: string | null; text: string }> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return {
      act: el?.getAttribute('data-act') ?? null,
      id: el?.closest('li.c')?.getAttribute('data-id') ?? el?.closest('li.card')?.getAttribute('data-id') ?? null,
      tag: el?.tagName.toLowerCase() ?? '',
      form: el?.closest('form')?.getAttribute('data-form') ?? el?.closest('form')?.id ?? null,
      text: (el?.textContent ?? '').trim().slice(0, 60),
    };
  });
}

/** Presses Tab until focus matches, failing after `max` presses. */
async function tabTo(
  page: Page,
  match: (f: Awaited<ReturnType<typeof focused>>) => boolean,
  what: string,
  max = 200,
): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (match(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${what}`);
}

async function demoPage(): Promise<Page> {
  const p = await suite.open(`${suite.node.url}/`);
  await widgetReady(p.page);
  return p.page;
}

async function moderatorPage(): Promise<Page> {
  const p = await suite.open(`${suite.node.url}/moderate`);
  return p.page;
}

describe('axe audit', () => {
  beforeAll(async () => {
    await storeThread(suite.node.mongo, '/demo/article', THREAD);
  });

  test('when the demo article is read by a guest, then axe finds no serious or critical violation', async () => {
    const page = await demoPage();
    await page.locator('#parley .replies li.c').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  test('when the demo article is read signed in, in dark mode, with a reply form open, then axe finds no serious or critical violation', async () => {
    const p = await suite.open(`${suite.node.url}/`);
    await p.page.emulateMedia({ colorScheme: 'dark' });
    await widgetReady(p.page);
    await p.page.click('#as-reader');
    await p.page.locator('#parley .as', { hasText: 'Demo Reader' }).waitFor();
    await widgetReady(p.page);
    await p.page.locator('#parley li.c button[data-act="reply"]').first().click();
    await p.page.locator('#parley form[data-form="reply"]').waitFor();
    expect(await axeViolations(p.page)).toEqual([]);
  });

  test('when the moderation page shows its sign-in form and then its columns, then axe finds no serious or critical violation', async () => {
    await suite.node.app.services.sites.update('demo', { moderation: 'pre' });
    await restPost(suite.node, await readerToken(suite.node, { name: 'Held Harry' }), `Held for the audit ${stamp()}`);
    const page = await moderatorPage();
    expect(await axeViolations(page)).toEqual([]);
    await page.click('#demo-mod');
    await page.locator('#pending li.card').first().waitFor();
    await page.locator('#recent li.card').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('keyboard only', () => {
  test('when a signed-in reader uses only the keyboard, then they read, post, reply, react and load more', async () => {
    const pageId = `/e2e/keys-${stamp()}`;
    const older: FixedComment[] = Array.from({ length: 21 }, (_, i) => ({
      key: `k${i}`,
      author: `Reader ${i}`,
      body: `Older comment number ${i}.`,
      at: `2024-03-0${1 + (i % 9)}T10:00:00Z`,
    }));
    await storeThread(suite.node.mongo, pageId, older);
    const token = await readerToken(suite.node, { sub: `keys-${stamp()}`, name: 'Keyboard Kim' });
    const p = await suite.open(`${host.url}/page.html?${new URLSearchParams({ page: pageId, token })}`);
    const page = p.page;
    await widgetReady(page);
    await page.locator('#parley li.c').nth(19).waitFor();

    // Read: sorting is reachable and switches the order.
    await tabTo(page, (f) => f.act === 'sort' && f.text === 'Oldest', 'the "Oldest" sort button');
    await page.keyboard.press('Enter');
    await page.locator('#parley li.c').first().filter({ hasText: 'Older comment number 0.' }).waitFor();
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ act: 'sort', text: 'Newest' });
    await page.keyboard.press('Enter');
    await page.locator('#parley li.c').first().filter({ hasText: 'Older comment number 20.' }).waitFor();

    // Post.
    await tabTo(page, (f) => f.tag === 'textarea' && f.form === 'post', 'the comment box');
    const mine = `Typed without a mouse ${stamp()}`;
    await page.keyboard.type(mine);
    await page.keyboard.press('Control+Enter');
    const posted = page.locator('#parley li.c', { hasText: mine });
    await posted.waitFor();
    await posted.locator('.state').waitFor({ state: 'detached' });
    const postedId = (await posted.getAttribute('data-id'))!;

    // React: Like on another reader's comment, with Space.
    const target = (await page.locator('#parley li.c', { hasText: 'Older comment number 20.' }).getAttribute('data-id'))!;
    await tabTo(page, (f) => f.act === 'like' && f.id === target, 'the Like button');
    await page.keyboard.press('Space');
    const like = page.locator(`#parley li.c[data-id="${target}"] button[data-act="like"]`).first();
    await page.waitForFunction(
      (id) =>
        document
          .querySelector('#parley')!
          .shadowRoot!.querySelector(`li.c[data-id="${id}"] button[data-act="like"]`)
          ?.getAttribute('aria-pressed') === 'true',
      target,
    );
    expect(await like.textContent()).toContain('1');

    // Reply: open the form from the keyboard, type, send; focus stays usable.
    await tabTo(page, (f) => f.act === 'reply' && f.id === target, 'the Reply button');
    await page.keyboard.press('Enter');
    await tabTo(page, (f) => f.tag === 'textarea' && f.form === 'reply', 'the reply box', 5);
    const reply = `A keyboard reply ${stamp()}`;
    await page.keyboard.type(reply);
    await page.keyboard.press('Control+Enter');
    await page.locator(`#parley li.c[data-id="${target}"] .replies li.c`, { hasText: reply }).waitFor();

    // Load more: 21 older + 1 new = 22 top-level comments, 20 per page.
    await tabTo(page, (f) => f.act === 'more', 'the "Load more" button');
    await page.keyboard.press('Enter');
    await page.locator('#parley li.c', { hasText: 'Older comment number 0.' }).waitFor();
    expect(await page.locator('#parley .list > li.c').count()).toBe(22);
    expect(postedId).toMatch(/^[0-9a-f]{24}$/);
  });

  test('when a moderator uses only the keyboard, then they sign in, search Recent and approve a held comment', async () => {
    await suite.node.app.services.sites.update('demo', { moderation: 'pre' });
    const text = `Keyboard approval ${stamp()}`;
    const id = await restPost(suite.node, await readerToken(suite.node, { name: 'Patient Pat' }), text);
    const page = await moderatorPage();

    await tabTo(page, (f) => f.tag === 'button' && f.text.startsWith('Use the demo moderator'), 'the demo moderator button');
    await page.keyboard.press('Enter');
    await page.locator('#desk').waitFor();

    await page.focus('body');
    await tabTo(page, (f) => f.tag === 'input' && f.form === 'search' && f.text === '', 'the search text field', 40);
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await page.locator('#recent-what', { hasText: 'Matches' }).waitFor();
    expect(await page.locator('#recent li.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-id')))).toEqual([
      id,
    ]);

    await tabTo(page, (f) => f.act === 'approve' && f.id === id, 'the Approve button');
    await page.keyboard.press('Enter');
    await page.locator(`#pending li.card[data-id="${id}"]`).waitFor({ state: 'detached' });
    await page.locator(`#recent li.card[data-id="${id}"] .status`, { hasText: 'visible' }).waitFor();
  });
});
