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

test('when a moderator deletes a comment on /moderate, then it disappears live from the reader’s page', async () => {
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
