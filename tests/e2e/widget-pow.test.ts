/**
 * Proof of work in the browser: on a site that asks guests for it, the widget
 * solves the challenge while the reader types, under a CSP that refuses
 * workers, and the post goes through with no step from the reader.
 */
import type { Browser } from 'playwright-core';
import { closePage, launchBrowser, openPage, startDemoNode, widgetReady, type WatchedPage } from './browser';
import { POW_SITE, startHostSite, type HostSite } from './host-pages';
import type { TestNode } from '../helpers/harness';

jest.setTimeout(60_000);

let node: TestNode;
let host: HostSite;
let browser: Browser;
let watched: WatchedPage | undefined;

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
  });
  host = await startHostSite(node.url);
});

afterAll(async () => {
  await closePage(watched);
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
