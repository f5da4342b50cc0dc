import request from 'supertest';
import type { ParsedMail } from 'mailparser';
import { NOTIFY_OFF } from '../../server/src/services';
import {
  adminSocket,
  closeSockets,
  createSite,
  emitAck,
  modToken,
  postComment,
  readerSocket,
  signToken,
  startNode,
  uniqueId,
  type TestNode,
  type TestSite,
} from '../helpers/harness';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/** The gather window of these tests (production: 10 minutes). */
const GATHER_MS = 1500;
const PAGE = '/2024/harbour-story';

/** Waits long enough that a second (wrong) mail of the current window would have arrived. */
const quiet = () => new Promise((r) => setTimeout(r, GATHER_MS + 1200));

/** A header as sent (mailparser folds List-* headers into a structure; the raw line is what clients read). */
function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n\s+/g, ' ')
    .trim();
}

function unsubscribeUrl(mail: ParsedMail): string {
  return (rawHeader(mail, 'List-Unsubscribe') ?? '').replace(/^<|>$/g, '');
}

describe('reply emails (real SMTP server, real Redis queue)', () => {
  let smtp: TestSmtp;
  let node: TestNode;
  beforeAll(async () => {
    smtp = await startSmtp();
    node = await startNode({
      notify: {
        config: { ...NOTIFY_OFF, smtpUrl: smtp.url, gatherMs: GATHER_MS, mailFrom: 'Parley <noreply@parley.test>' },
        mailRetryBaseMs: 200,
      },
    });
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await node?.close();
    await smtp?.stop();
  });

  async function thread(overrides: Record<string, unknown> = {}) {
    const site = await createSite(node, { origins: ['https://news.example'], ...overrides });
    const email = `${uniqueId('ana')}@mail.test`;
    const ana = signToken(site, { sub: uniqueId('ana'), name: 'Ana', email });
    const res = await postComment(node, site, PAGE, ana, {
      body: 'The harbour story is missing the 1994 numbers.',
      notifyReplies: true,
    });
    expect(res.status).toBe(201);
    return { site, email, ana, parentId: res.body.comment.id as string };
  }

  function reply(site: TestSite, parentId: string, body: string, name = 'Bruno') {
    return postComment(node, site, PAGE, signToken(site, { sub: uniqueId('bruno'), name }), { body, parentId });
  }

  it('when the site offers reply emails, then its settings say so', async () => {
    const site = await createSite(node, { guests: true, guestEmails: true });
    const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/settings`).expect(200);
    expect(res.body.settings.notifications).toEqual({ replies: true, guestEmails: true });
  });

  it('when someone replies, then the author gets exactly one email with the unsubscribe headers, the excerpt and the link', async () => {
    const { site, email, parentId } = await thread();
    expect((await reply(site, parentId, 'Here are the 1994 figures: *4,210* tonnes.')).status).toBe(201);
    const [mail] = await smtp.waitFor(email);
    await quiet();
    expect(smtp.to(email)).toHaveLength(1);
    expect(mail!.subject).toContain('New reply');
    expect(mail!.text).toContain('Bruno replied:');
    expect(mail!.text).toContain('Here are the 1994 figures: *4,210* tonnes.');
    expect(mail!.text).toContain(`https://news.example${PAGE}`);
    expect(mail!.html).toContain(`href="https://news.example${PAGE}"`);
    expect(mail!.html).toContain('Bruno replied:');
    expect(unsubscribeUrl(mail!)).toMatch(new RegExp(`^${node.url}/api/v1/unsubscribe\\?t=`));
    expect(rawHeader(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail!.from?.text).toContain('noreply@parley.test');
  });

  it('when several replies come quickly, then they are gathered into one email', async () => {
    const { site, email, parentId } = await thread();
    for (const body of ['First answer', 'Second answer', 'Third answer'])
      expect((await reply(site, parentId, body)).status).toBe(201);
    const [mail] = await smtp.waitFor(email);
    await quiet();
    expect(smtp.to(email)).toHaveLength(1);
    expect(mail!.subject).toContain('3 new replies');
    for (const body of ['First answer', 'Second answer', 'Third answer']) expect(mail!.text).toContain(body);
  });

  it('when the reader unsubscribes with the one-click POST, then the next reply sends nothing', async () => {
    const { site, email, parentId } = await thread();
    await reply(site, parentId, 'Before unsubscribing');
    const [mail] = await smtp.waitFor(email);
    const url = new URL(unsubscribeUrl(mail!));
    const confirm = await request(node.url)
      .get(url.pathname + url.search)
      .expect(200);
    expect(confirm.text).toContain('<form method="post"');
    await request(node.url)
      .post(url.pathname + url.search)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    await reply(site, parentId, 'After unsubscribing');
    await quiet();
    await quiet();
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('when the unsubscribe token is forged, then it is refused and nothing changes', async () => {
    const res = await request(node.url).post('/api/v1/unsubscribe?t=abc.def').type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(400);
  });

  it('when the author replies to themselves, or a reply is held or rejected, then nothing is sent; once approved, it is', async () => {
    const { site, email, ana, parentId } = await thread({ blockedWords: ['casino'] });
    expect((await postComment(node, site, PAGE, ana, { body: 'My own follow-up', parentId })).status).toBe(201);
    const held = await reply(site, parentId, 'Win at the casino tonight');
    expect(held.status).toBe(202);
    const heldToo = await reply(site, parentId, 'A casino, but a real question about the port');
    expect(heldToo.status).toBe(202);
    await quiet();
    expect(smtp.to(email)).toHaveLength(0);

    const mod = await adminSocket(node, { siteId: site.siteId, token: modToken(site) });
    expect((await emitAck(mod, 'comment:reject', { commentId: held.body.comment.id })).ok).toBe(true);
    await quiet();
    expect(smtp.to(email)).toHaveLength(0);

    expect((await emitAck(mod, 'comment:approve', { commentId: heldToo.body.comment.id })).ok).toBe(true);
    const [mail] = await smtp.waitFor(email);
    expect(mail!.text).toContain('a real question about the port');
    expect(mail!.text).not.toContain('Win at the casino');
    expect(mail!.text).not.toContain('My own follow-up');
  });

  it('when the SMTP server is down, then the email waits and is delivered exactly once after it returns', async () => {
    const { site, email, parentId } = await thread();
    await smtp.stop();
    try {
      await reply(site, parentId, 'Sent while the relay was down');
      // At least one attempt failed and was scheduled again.
      const failedRetries = async () => {
        const res = await request(node.url).get('/metrics');
        const line = res.text
          .split('\n')
          .find((l) => l.startsWith('parley_notifications_failed_total{kind="reply",outcome="retry"}'));
        return line ? Number(line.split(' ').pop()) : 0;
      };
      const deadline = Date.now() + 15_000;
      while ((await failedRetries()) < 1) {
        if (Date.now() > deadline) throw new Error('no failed attempt seen');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(smtp.to(email)).toHaveLength(0);
    } finally {
      await smtp.start();
    }
    const [mail] = await smtp.waitFor(email, 1, 20_000);
    expect(mail!.text).toContain('Sent while the relay was down');
    await quiet();
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('when a site has moderator addresses, then new pending and flagged comments are gathered into one alert', async () => {
    const modEmail = `${uniqueId('desk')}@mail.test`;
    const site = await createSite(node, { blockedWords: ['casino'], moderatorEmails: [modEmail] });
    const writer = signToken(site, { sub: uniqueId('w'), name: 'Carla' });
    expect((await postComment(node, site, PAGE, writer, 'Please approve my casino take on the port')).status).toBe(202);
    const visible = await postComment(node, site, PAGE, writer, 'A rude remark about the mayor');
    expect(visible.status).toBe(201);
    await request(node.url)
      .post(`/api/v1/comments/${visible.body.comment.id}/flags`)
      .set('Authorization', `Bearer ${signToken(site)}`)
      .send({ reason: 'rude' })
      .expect(202);
    const [mail] = await smtp.waitFor(modEmail);
    await quiet();
    expect(smtp.to(modEmail)).toHaveLength(1);
    expect(mail!.subject).toContain('2 comments need a look');
    expect(mail!.text).toContain('[Waiting for approval]');
    expect(mail!.text).toContain('Please approve my casino take on the port');
    expect(mail!.text).toContain('[Flagged by a reader]');
    expect(mail!.text).toContain('A rude remark about the mayor');
    expect(rawHeader(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('when the comment is posted over the socket with notifyReplies, then a reply mails its author too', async () => {
    const site = await createSite(node);
    const email = `${uniqueId('sock')}@mail.test`;
    const socket = await readerSocket(node, { siteId: site.siteId, token: signToken(site, { name: 'Sol', email }) });
    const ack = await emitAck(socket, 'comment:post', { pageId: PAGE, body: 'Posted live', notifyReplies: true });
    expect(ack.ok).toBe(true);
    await reply(site, ack.comment.id, 'Answer to a live post');
    const [mail] = await smtp.waitFor(email);
    expect(mail!.text).toContain('Answer to a live post');
  });

  it('when a guest gives an address, then it is used only where the site allows guest addresses', async () => {
    const results: Record<string, number> = {};
    for (const guestEmails of [true, false]) {
      const site = await createSite(node, { guests: true, guestEmails });
      const email = `${uniqueId('guest')}@mail.test`;
      const issued = await request(node.url)
        .post(`/api/v1/sites/${site.siteId}/guest-token`)
        .send({ name: 'Gus', email })
        .expect(201);
      const parent = await postComment(node, site, PAGE, issued.body.token, { body: 'Guest asks', notifyReplies: true });
      expect(parent.status).toBe(201);
      await reply(site, parent.body.comment.id, `Reply for a guest (${guestEmails})`);
      if (guestEmails) await smtp.waitFor(email);
      else await quiet();
      results[String(guestEmails)] = smtp.to(email).length;
    }
    expect(results).toEqual({ true: 1, false: 0 });
  });

  it('when the site speaks Spanish, then the email does too', async () => {
    const { site, email, parentId } = await thread({ language: 'es' });
    await reply(site, parentId, 'Respuesta breve', 'Bea');
    const [mail] = await smtp.waitFor(email);
    expect(mail!.subject).toContain('Nueva respuesta');
    expect(mail!.text).toContain('Bea respondió:');
    expect(mail!.text).toContain('Leer la conversación');
  });

  it('when a reader exports and erases their data, then their subscription is listed, then gone, and later replies send nothing', async () => {
    const { site, email, ana, parentId } = await thread();
    const exported = await request(node.url)
      .get(`/api/v1/sites/${site.siteId}/me/export`)
      .set('Authorization', `Bearer ${ana}`)
      .expect(200);
    expect(exported.body.subscriptions).toEqual([{ commentId: parentId, pageId: PAGE, email }]);
    const erased = await request(node.url)
      .delete(`/api/v1/sites/${site.siteId}/me`)
      .set('Authorization', `Bearer ${ana}`)
      .expect(200);
    expect(erased.body.erased.subscriptions).toBe(1);
    const again = await request(node.url)
      .get(`/api/v1/sites/${site.siteId}/me/export`)
      .set('Authorization', `Bearer ${ana}`)
      .expect(200);
    expect(again.body.subscriptions).toEqual([]);
  });
});

describe('reply emails without SMTP_URL', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => node?.close());

  it('when no SMTP server is configured, then no checkbox is offered and nothing is stored or queued', async () => {
    const site = await createSite(node, { guests: true, guestEmails: true });
    const settings = await request(node.url).get(`/api/v1/sites/${site.siteId}/settings`).expect(200);
    expect(settings.body.settings.notifications).toEqual({ replies: false, guestEmails: false });
    const ana = signToken(site, { sub: uniqueId('ana'), name: 'Ana', email: 'ana@mail.test' });
    const parent = await postComment(node, site, PAGE, ana, { body: 'Tell me about replies', notifyReplies: true });
    expect(parent.status).toBe(201);
    await postComment(node, site, PAGE, signToken(site), { body: 'A reply', parentId: parent.body.comment.id });
    const exported = await request(node.url)
      .get(`/api/v1/sites/${site.siteId}/me/export`)
      .set('Authorization', `Bearer ${ana}`)
      .expect(200);
    expect(exported.body.subscriptions).toEqual([]);
    expect(await node.app.services.notifications.queued()).toBe(0);
    expect(node.app.services.notifications.available).toBe(false);
  });
});
