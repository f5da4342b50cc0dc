/**
 * The demo article open in two browsers: what one reader does reaches the
 * other live (new comments behind the notice, nested replies, reaction counts,
 * a moderator's delete).
 */
import type { Page } from 'playwright-core';
import { demoSuite, readerToken, restPost, widgetReady } from './browser';

jest.setTimeout(45_000);

const suite = demoSuite();

async function demoPage(): Promise<Page> {
  const p = await suite.open(`${suite.node.url}/`);
  await widgetReady(p.page);
  return p.page;
}

async function signIn(page: Page, role: 'reader' | 'moderator'): Promise<void> {
  await page.click(`#as-${role}`);
  await page.locator('#parley .as', { hasText: role === 'reader' ? 'Demo Reader' : 'Demo Moderator' }).waitFor();
  await widgetReady(page);
}

const comment = (page: Page, text: string) => page.locator('#parley li.c', { hasText: text });
const stamp = () => Math.random().toString(36).slice(2, 8);

test('when a reader posts on one page, then the other page offers it behind the "new comments" notice', async () => {
  // The thread is not empty (on an empty one a new comment shows at once, see widget-polish.test.ts).
  await restPost(suite.node, await readerToken(suite.node, { name: 'First Reader' }), `Already here ${stamp()}`);
  const [a, b] = await Promise.all([demoPage(), demoPage()]);
  await signIn(a, 'reader');
  const before = await b.locator('#parley .count').textContent();
  const text = `The Saturday crews are wonderful ${stamp()}`;

  await a.fill('#parley form[data-form="post"] textarea', text);
  await a.click('#parley form[data-form="post"] button[type="submit"]');

  await comment(a, text).waitFor();
  await a.locator('#parley li.c .state').waitFor({ state: 'detached' });
  const notice = b.locator('#parley .new');
  await notice.waitFor();
  expect(await notice.textContent()).toMatch(/^1 new comment/);
  expect(await comment(b, text).count()).toBe(0);
  expect(await b.locator('#parley .count').textContent()).not.toBe(before);

  await notice.click();
  await comment(b, text).waitFor();
  expect(await comment(b, text).locator('.author').textContent()).toBe('Demo Reader');
  await notice.waitFor({ state: 'hidden' });
});

test('when a guest replies to a comment, then the reply appears nested under it on the other page', async () => {
  const parentText = `Who pays for the treatment plant? ${stamp()}`;
  const parentId = await restPost(suite.node, await readerToken(suite.node, { name: 'Tomás Aguirre' }), parentText);
  const [a, b] = await Promise.all([demoPage(), demoPage()]);
  const replyText = `The water utility does, says the article ${stamp()}`;

  await comment(a, parentText).locator('button[data-act="reply"]').first().click();
  const form = a.locator(`#parley li.c[data-id="${parentId}"] form[data-form="reply"]`);
  await form.locator('input[name="name"]').fill('Inés');
  await form.locator('textarea').fill(replyText);
  await form.locator('button[type="submit"]').click();

  const nested = b.locator(`#parley li.c[data-id="${parentId}"] > ol.replies > li.c`, { hasText: replyText });
  await nested.waitFor();
  expect(await nested.locator('.author').textContent()).toBe('Inés');
  expect(await nested.locator('.badge').textContent()).toBe('guest');
  await a
    .locator(`#parley li.c[data-id="${parentId}"] > ol.replies > li.c`, { hasText: replyText })
    .locator('button[data-act="like"]')
    .waitFor();
});

test('when a reader likes a comment, then the like count updates on both pages', async () => {
  const text = `Forty parking spaces is a fair price ${stamp()}`;
  const id = await restPost(suite.node, await readerToken(suite.node, { name: 'Rafael Soto' }), text);
  const [a, b] = await Promise.all([demoPage(), demoPage()]);
  await signIn(a, 'reader');

  const likeA = a.locator(`#parley li.c[data-id="${id}"] button[data-act="like"]`);
  const likeB = b.locator(`#parley li.c[data-id="${id}"] button[data-act="like"]`);
  expect(await likeA.getAttribute('aria-pressed')).toBe('false');
  await likeA.click();

  await a.locator(`#parley li.c[data-id="${id}"] button[data-act="like"][aria-pressed="true"]`).waitFor();
  await b.waitForFunction(
    (cid) => document.querySelector('#parley')?.shadowRoot?.querySelector(`li.c[data-id="${cid}"] .like .n`)?.textContent === '1',
    id,
  );
  expect(await likeA.locator('.n').textContent()).toBe('1');
  expect(await likeB.getAttribute('aria-pressed')).toBe('false');
});

test('when a moderator deletes a comment from the widget, then it disappears from the other page', async () => {
  const text = `Buy my miracle water filters ${stamp()}`;
  const id = await restPost(suite.node, await readerToken(suite.node, { name: 'Spam Bot' }), text);
  const [mod, reader] = await Promise.all([demoPage(), demoPage()]);
  await comment(reader, text).waitFor();
  expect(await comment(mod, text).locator('button[data-act="delete"]').count()).toBe(0);
  await signIn(mod, 'moderator');

  const del = mod.locator(`#parley li.c[data-id="${id}"] button[data-act="delete"]`);
  await del.click();
  expect(await del.textContent()).toBe('Confirm delete');
  await del.click();

  await comment(reader, text).waitFor({ state: 'detached' });
  await comment(mod, text).waitFor({ state: 'detached' });
});
