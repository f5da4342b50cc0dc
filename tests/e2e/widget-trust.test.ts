/**
 * Trust and safety in the browser: on a site that asks guests for proof of
 * work, the widget solves the challenge while the reader types, under a CSP
 * that refuses workers, and the post goes through with no step from the
 * reader; "Your data" downloads and erases a reader's data.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { closePage, launchBrowser, openPage, startDemoNode, widgetReady, type WatchedPage } from './browser';
import { POW_SITE, startHostSite, type HostSite } from './host-pages';
import type { TestNode } from '../helpers/harness';

jest.setTimeout(60_000);

let node: TestNode;
let host: HostSite;
let browser: Browser;
let watched: WatchedPage | undefined;
let second: WatchedPage | undefined;

beforeAll(async () => {
  [node, browser] = await Promise.all([startDemoNode(), launchBrowser()]);
  await node.app.services.sites.create({
    siteId: POW_SITE,
    name: 'Proof of work',
    origins: [],
    guests: true,
    moderation: 'post',
    editWindowSec: 900,
    maxDepth: 3,
    limits: { postsPerMinutePerIp: 1000, guestTokensPerHourPerIp: 1000, connectionsPerMinutePerIp: 1000 },
    blockedWords: [],
    proofOfWork: 'guests',
    linkHold: null,
    retentionDays: null,
    language: 'en',
    moderatorEmails: [],
    guestEmails: false,
  });
  host = await startHostSite(node.url);
});

afterAll(async () => {
  await closePage(watched);
  await closePage(second);
  await browser?.close();
  await host?.close();
  await node?.close();
});

test('when a guest writes and posts on a guests site, then the proof of work is solved in the page and the post is accepted', async () => {
  watched = await openPage(browser, `${host.url}/pow.html`);
  const { page } = watched;
  await widgetReady(page);
  const challenges: string[] = [];
  const posts: { status: number; proof: unknown }[] = [];
  page.on('request', (req) => req.url().includes('/challenge') && challenges.push(req.url()));
  page.on('response', (res) => {
    const req = res.request();
    if (req.method() === 'POST' && req.url().includes('/comments'))
      posts.push({ status: res.status(), proof: (req.postDataJSON() as { proofOfWork?: unknown }).proofOfWork });
  });
  const live = page.locator('#parley .sr[aria-live]');

  await page.fill('#parley form[data-form="post"] input[name="name"]', 'Paula');
  // Typing alone starts the work; the reader never sees a puzzle.
  await page.locator('#parley form[data-form="post"] textarea').pressSequentially('Solved while I typed', { delay: 20 });
  await live.filter({ hasText: 'Spam check ready.' }).waitFor({ timeout: 30_000 });
  expect(challenges).toHaveLength(1);
  await page.click('#parley form[data-form="post"] button[type="submit"]');

  const posted = page.locator('#parley li.c', { hasText: 'Solved while I typed' });
  await posted.waitFor();
  await posted.locator('button[data-act="delete"]').waitFor();
  expect(await posted.locator('.state').count()).toBe(0);

  const res = await fetch(`${node.url}/api/v1/sites/${POW_SITE}/pages/${encodeURIComponent('/e2e/pow')}/comments`);
  const listed = (await res.json()) as { comments: { body: string; author: { name: string } }[] };
  expect(listed.comments.map((c) => [c.author.name, c.body])).toEqual([['Paula', 'Solved while I typed']]);
  // The socket carries the post when connected, so REST may see none; any REST post carried the proof.
  for (const p of posts) expect(p).toEqual({ status: 201, proof: expect.any(String) });
  expect(watched.violations).toEqual([]);
  expect(watched.errors).toEqual([]);
});

test('when a signed-in reader uses "Your data", then they download their comments and can erase them', async () => {
  second = await openPage(browser, `${node.url}/`);
  const { page } = second;
  await widgetReady(page);
  await page.click('#as-reader');
  await page.locator('#parley .as', { hasText: 'Demo Reader' }).waitFor();
  await widgetReady(page);
  const text = `Mine to take back ${Math.random().toString(36).slice(2, 8)}`;
  await page.fill('#parley form[data-form="post"] textarea', text);
  await page.click('#parley form[data-form="post"] button[type="submit"]');
  const mine = page.locator('#parley li.c', { hasText: text });
  await mine.locator('button[data-act="delete"]').waitFor();

  await page.click('#parley .mydata summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#parley button[data-act="export-data"]')]);
  const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as {
    userId: string;
    comments: { body: string }[];
  };
  expect(exported.userId).toBe('demo-reader');
  expect(exported.comments.map((c) => c.body)).toContain(text);

  page.once('dialog', (d) => void d.accept());
  await page.click('#parley button[data-act="erase-data"]');
  await page.locator('#parley .sr[aria-live]', { hasText: 'Your data was deleted.' }).waitFor();
  await mine.waitFor({ state: 'detached' });
  expect(second.errors).toEqual([]);
});
