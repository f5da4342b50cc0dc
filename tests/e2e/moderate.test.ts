/**
 * The moderation page (`/moderate`) against a reader's open demo article:
 * a moderator's delete, approval and page lock reach the reader live.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { demoSuite, readerToken, restPost, SCREENSHOTS, widgetReady } from './browser';

jest.setTimeout(45_000);

const suite = demoSuite({
  afterEach: (node) => node.app.services.sites.update('demo', { moderation: 'post' }),
});

async function readerPage(): Promise<Page> {
  const p = await suite.open(`${suite.node.url}/`);
  await widgetReady(p.page);
  return p.page;
}

async function moderatorPage(): Promise<Page> {
  const p = await suite.open(`${suite.node.url}/moderate`);
  await p.page.click('#demo-mod');
  await p.page.locator('#desk').waitFor();
  await p.page.locator('#conn', { hasText: 'Live' }).waitFor();
  return p.page;
}

const stamp = () => Math.random().toString(36).slice(2, 8);

/** A visible comment on the demo article, so new ones wait behind the reader's notice. */
const seed = async () => restPost(suite.node, await readerToken(suite.node, { name: 'Early Bird' }), `Seed ${stamp()}`);

test('when a moderator deletes a comment on /moderate, then it disappears live from the reader’s page', async () => {
  await seed();
  const [reader, mod] = await Promise.all([readerPage(), moderatorPage()]);
  const text = `Cheap loans, click here ${stamp()}`;
  const id = await restPost(suite.node, await readerToken(suite.node, { name: 'Loan Shark' }), text);
  await reader.click('#parley .new');
  await reader.locator(`#parley li.c[data-id="${id}"]`).waitFor();

  const card = mod.locator(`#feed li.card[data-id="${id}"]`);
  await card.waitFor();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await mod.screenshot({ path: path.join(SCREENSHOTS, 'moderate.png') });
  await card.locator('.reason').fill('spam');
  await card.locator('button[data-act="delete"]').click();

  await reader.locator(`#parley li.c[data-id="${id}"]`).waitFor({ state: 'detached' });
  await mod.locator(`#feed li.card.dead[data-id="${id}"] .status`, { hasText: 'deleted' }).waitFor();
});

test('when a moderator approves a held comment, then the reader is offered it live', async () => {
  await seed();
  await suite.node.app.services.sites.update('demo', { moderation: 'pre' });
  const [reader, mod] = await Promise.all([readerPage(), moderatorPage()]);
  const text = `Held until a human reads it ${stamp()}`;
  const id = await restPost(suite.node, await readerToken(suite.node, { name: 'Careful Carla' }), text);

  const card = mod.locator(`#pending li.card[data-id="${id}"]`);
  await card.waitFor();
  expect(await reader.locator('#parley .new').isVisible()).toBe(false);
  await card.locator('button[data-act="approve"]').click();

  await card.waitFor({ state: 'detached' });
  await reader.click('#parley .new');
  await reader.locator(`#parley li.c[data-id="${id}"]`, { hasText: text }).waitFor();
});

test('when a moderator locks the page, then the reader’s form gives way to the closed notice', async () => {
  const id = await restPost(suite.node, await readerToken(suite.node, { name: 'Last Word' }), `Before the lock ${stamp()}`);
  const [reader, mod] = await Promise.all([readerPage(), moderatorPage()]);
  const live = await restPost(suite.node, await readerToken(suite.node, { name: 'Last Word' }), `Feed card ${stamp()}`);
  const card = mod.locator(`#feed li.card[data-id="${live}"]`);
  await card.waitFor();
  await card.locator('button[data-act="lock"]').click();

  await reader.locator('#parley .notice', { hasText: 'closed' }).waitFor();
  expect(await reader.locator('#parley form[data-form="post"]').count()).toBe(0);
  expect(await reader.locator(`#parley li.c[data-id="${id}"] button[data-act="reply"]`).count()).toBe(0);
  await card.locator('button[data-act="lock"]', { hasText: 'Unlock page' }).waitFor();
  await card.locator('button[data-act="lock"]').click();
  await reader.locator('#parley form[data-form="post"]').waitFor();
});

test('when a moderator arrives after comments were posted, then Recent lists them, pages with Load more and searches by text and author', async () => {
  const tag = stamp();
  const author = `early-${tag}`;
  const ids: string[] = [];
  for (let i = 0; i < 22; i++)
    ids.push(await restPost(suite.node, await readerToken(suite.node, { sub: author, name: 'Early' }), `Backlog ${tag} #${i}`));
  const other = await restPost(suite.node, await readerToken(suite.node, { name: 'Someone Else' }), `Unrelated needle-${tag}`);
  const mod = await moderatorPage();

  const recent = mod.locator('#recent li.card');
  await mod.locator(`#recent li.card[data-id="${other}"]`).waitFor();
  expect(await recent.count()).toBe(20);
  await mod.click('#recent-more');
  await mod.locator(`#recent li.card[data-id="${ids[0]}"]`).waitFor();

  await mod.fill('#q-text', `NEEDLE-${tag}`);
  await mod.click('#search button[type="submit"]');
  await mod.locator('#recent-what', { hasText: 'Matches' }).waitFor();
  expect(await recent.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-id')))).toEqual([other]);

  await mod.fill('#q-text', '');
  await mod.fill('#q-author', author);
  await mod.click('#search button[type="submit"]');
  await mod.locator('#recent-what', { hasText: `author ${author}` }).waitFor();
  expect(await recent.count()).toBe(20);
  expect(await mod.locator(`#recent li.card[data-id="${other}"]`).count()).toBe(0);
});

test('when a moderator follows an alert’s link (/moderate?site=<id>), then the sign-in form starts on that site', async () => {
  const p = await suite.open(`${suite.node.url}/moderate?site=${encodeURIComponent('other-site')}`);
  expect(await p.page.locator('#site').inputValue()).toBe('other-site');
  const plain = await suite.open(`${suite.node.url}/moderate`);
  expect(await plain.page.locator('#site').inputValue()).not.toBe('other-site');
});
