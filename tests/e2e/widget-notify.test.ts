/**
 * Reply emails in the browser: the post form offers "Email me when someone replies" only to a reader whose
 * token carries an address on a server that sends mail, and a ticked box brings the reply by email.
 */
import type { Browser } from 'playwright-core';
import { ensureDemoSite } from '../../server/src/modules/demo/demo-site';
import { createLogger } from '../../server/src/logger';
import { NOTIFY_OFF } from '../../server/src/services';
import { startNode, uniqueId, type TestNode } from '../helpers/harness';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import {
  closePage,
  ensureBundles,
  launchBrowser,
  openPage,
  readerToken,
  restPost,
  widgetReady,
  type WatchedPage,
} from './browser';
import { startHostSite, type HostSite } from './host-pages';

jest.setTimeout(60_000);

let node: TestNode;
let smtp: TestSmtp;
let host: HostSite;
let browser: Browser;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  await ensureBundles();
  smtp = await startSmtp();
  node = await startNode({
    dev: true,
    dbName: uniqueId('e2e_notify').replace(/-/g, '_'),
    notify: { config: { ...NOTIFY_OFF, smtpUrl: smtp.url, gatherMs: 1000 } },
  });
  await ensureDemoSite(node.app.services.sites, createLogger('silent'));
  await node.app.services.sites.update('demo', { proofOfWork: 'off' });
  [host, browser] = await Promise.all([startHostSite(node.url), launchBrowser()]);
});
afterEach(async () => {
  for (const p of pages.splice(0)) {
    expect(p.errors).toEqual([]);
    await closePage(p);
  }
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await node?.close();
  await smtp?.stop();
});

async function open(token: string, pageId: string): Promise<WatchedPage> {
  const p = await openPage(
    browser,
    `${host.url}/page.html?page=${encodeURIComponent(pageId)}&token=${encodeURIComponent(token)}`,
  );
  pages.push(p);
  await widgetReady(p.page);
  return p;
}

test('when the reader has an address and ticks the box, then a reply to their comment arrives by email', async () => {
  const email = `${uniqueId('reader')}@mail.test`;
  const pageId = `/e2e/notify-${uniqueId()}`;
  const { page } = await open(await readerToken(node, { sub: uniqueId('r'), email }), pageId);
  const box = page.getByRole('checkbox', { name: 'Email me when someone replies' });
  await box.waitFor();
  await box.check();
  await page.fill('#parley form[data-form="post"] textarea', 'Who checked the harbour figures?');
  await page.click('#parley form[data-form="post"] button.primary');
  await page.locator('#parley li.c', { hasText: 'Who checked the harbour figures?' }).waitFor();
  await page.locator('#parley li.c .state').waitFor({ state: 'detached' });
  const listed = (await (await fetch(`${node.url}/api/v1/sites/demo/pages/${encodeURIComponent(pageId)}/comments`)).json()) as {
    comments: { id: string; body: string }[];
  };
  const parentId = listed.comments.find((c) => c.body === 'Who checked the harbour figures?')!.id;
  await restPost(node, await readerToken(node, { sub: uniqueId('b'), name: 'Bruno' }), 'The desk did, twice.', {
    page: pageId,
    parentId,
  });
  const [mail] = await smtp.waitFor(email);
  expect(mail!.text).toContain('The desk did, twice.');
});

test('when the token carries no address, then no checkbox is offered', async () => {
  const { page } = await open(await readerToken(node, { sub: uniqueId('r') }), `/e2e/notify-${uniqueId()}`);
  await page.locator('#parley form[data-form="post"] textarea').waitFor();
  expect(await page.getByRole('checkbox', { name: 'Email me when someone replies' }).count()).toBe(0);
});
