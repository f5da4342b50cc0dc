import { createHmac } from 'node:crypto';
import { isPrivateAddress, urlProblem } from '../../server/src/modules/webhooks/target-guard';
import { signatureHeader } from '../../server/src/modules/webhooks/webhook-delivery';
import { attemptsFor, backoffDelay } from '../../server/src/modules/notifications/queues';
import { UnsubscribeTokens } from '../../server/src/modules/notifications/unsubscribe-token';
import { excerpt, renderMail, EXCERPT_CHARS } from '../../server/src/modules/notifications/mail-templates';
import { MAIL_TEXTS } from '../../server/src/modules/notifications/mail-texts';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.0.0.1', true],
    ['172.16.5.4', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2606:4700::1111', false],
    ['not-an-ip', true],
  ])('when the address is %s, then private is %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});

describe('urlProblem', () => {
  it.each([
    ['https://hooks.example.com/x', null],
    ['http://hooks.example.com/x', null],
    ['ftp://hooks.example.com/x', 'must be an http(s) URL'],
    ['https://user:pw@hooks.example.com/x', 'must not carry credentials'],
    ['/relative', 'must be an absolute http(s) URL'],
  ])('when the URL is %s, then the problem is %s', (url, problem) => {
    expect(urlProblem(url)).toBe(problem);
  });
});

describe('signatureHeader', () => {
  it('when a body is signed, then v1 is the HMAC-SHA256 of "<t>.<body>" with the secret', () => {
    const header = signatureHeader('whsec_x', '{"a":1}', 1700000000);
    const expected = createHmac('sha256', 'whsec_x').update('1700000000.{"a":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
    expect(signatureHeader('whsec_y', '{"a":1}', 1700000000)).not.toBe(header);
  });
});

describe('retry schedule', () => {
  it('when attempts fail, then the delay doubles up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
  });
  it('when the horizon is 24 h, then the attempts keep retrying for at least 24 h', () => {
    const base = 10_000;
    const cap = 3 * 3600_000;
    const attempts = attemptsFor(24 * 3600_000, base, cap);
    let total = 0;
    for (let n = 1; n < attempts; n++) total += backoffDelay(n, base, cap);
    expect(total).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(total - backoffDelay(attempts - 1, base, cap)).toBeLessThan(24 * 3600_000);
  });
});

describe('UnsubscribeTokens', () => {
  const tokens = new UnsubscribeTokens('k'.repeat(40));
  it('when a token is signed, then it verifies to its claim and carries no address', () => {
    const reader = tokens.reader('news', 'Ana@Mail.test');
    expect(reader).toBe(tokens.reader('news', 'ana@mail.test'));
    const t = tokens.sign({ siteId: 'news', reader, scope: '/p' });
    expect(tokens.verify(t)).toEqual({ siteId: 'news', reader, scope: '/p' });
    expect(Buffer.from(t.split('.')[0]!, 'base64url').toString()).not.toContain('ana');
  });
  it('when a token is altered or signed with another key, then it is refused', () => {
    const t = tokens.sign({ siteId: 'news', reader: 'r', scope: '*' });
    const other = new UnsubscribeTokens('z'.repeat(40)).sign({ siteId: 'news', reader: 'r', scope: '*' });
    const body = Buffer.from(JSON.stringify(['news', 'r', '/other'])).toString('base64url');
    expect(tokens.verify(other)).toBeNull();
    expect(tokens.verify(`${body}.${t.split('.')[1]}`)).toBeNull();
    expect(tokens.verify('garbage')).toBeNull();
  });
});

describe('mail rendering', () => {
  it('when a body is long or has markup, then the excerpt is cut and the HTML part escapes it', () => {
    expect(excerpt('a '.repeat(400)).length).toBe(EXCERPT_CHARS);
    const mail = renderMail({
      subject: 's',
      intro: 'i',
      items: [{ author: 'Eve <script>', body: '<img src=x onerror=alert(1)>' }],
      link: { href: 'https://news.example/p', label: 'Read' },
      unsubscribe: [{ href: 'https://parley.example/u?t=1', label: 'Stop' }],
      texts: MAIL_TEXTS.en,
    });
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('<img src=x onerror=alert(1)>');
    expect(mail.text).toContain('Stop: https://parley.example/u?t=1');
  });
  it('when a language is chosen, then every catalog has the same keys', () => {
    const keys = Object.keys(MAIL_TEXTS.en).sort();
    for (const texts of Object.values(MAIL_TEXTS)) expect(Object.keys(texts).sort()).toEqual(keys);
  });
});
