import { countLinks, linkHold, type CheckInput } from '../../server/src/modules/comments/checks';
import { KeyHasher } from '../../server/src/modules/trust/key-hasher';
import { IP_BURST_STEP, POW_LEVELS, powLevel, SITE_BURST_STEP } from '../../server/src/modules/trust/pow-levels';

function input(o: { linkHold?: number | null; untrusted?: boolean; moderator?: boolean; body: string }): CheckInput {
  return {
    site: { moderation: 'post', guests: true, blockedWords: [], linkHold: o.linkHold ?? null },
    author: { guest: false, moderator: o.moderator ?? false, banned: false, trusted: true, untrusted: o.untrusted ?? true },
    page: { locked: false },
    body: o.body,
  };
}

describe('countLinks', () => {
  test.each<[string, number]>([
    ['no links here', 0],
    ['see https://a.example/x?y=1', 1],
    ['http://a.example and www.b.example', 2],
    ['[label](https://a.example) counts once', 1],
    ['HTTPS://A.EXAMPLE shouting', 1],
    ['an email a@b.example or example.com is not a link', 0],
    ['https://1.x https://2.x https://3.x', 3],
  ])('when the body is %j, then it has %i links', (body, n) => {
    expect(countLinks(body)).toBe(n);
  });
});

describe('linkHold check', () => {
  test.each<[string, Parameters<typeof input>[0], string]>([
    ['off by default', { body: 'https://1.x https://2.x https://3.x' }, 'pass'],
    ['at the limit', { linkHold: 2, body: 'https://1.x https://2.x' }, 'pass'],
    ['over the limit, untrusted', { linkHold: 2, body: 'https://1.x https://2.x https://3.x' }, 'hold'],
    ['over the limit, trusted', { linkHold: 2, untrusted: false, body: 'https://1.x https://2.x https://3.x' }, 'pass'],
    ['over the limit, moderator', { linkHold: 0, moderator: true, body: 'https://1.x' }, 'pass'],
    ['zero allowed', { linkHold: 0, body: 'www.a.example' }, 'hold'],
  ])('when %s, then %s', (_name, o, kind) => {
    expect(linkHold(input(o)).kind).toBe(kind);
  });
});

describe('powLevel', () => {
  test.each<[number, number, number]>([
    [0, 0, 0],
    [IP_BURST_STEP - 1, 0, 0],
    [IP_BURST_STEP, 0, 1],
    [IP_BURST_STEP * 2, 0, 2],
    [0, SITE_BURST_STEP, 1],
    [1, SITE_BURST_STEP * 3, 3],
    [1000, 0, POW_LEVELS.length - 1],
  ])('when an IP posted %i and the site %i times this minute, then the level is %i', (ip, site, level) => {
    expect(powLevel(ip, site)).toBe(level);
  });

  test('when the level rises, then each level asks for more work than the one below', () => {
    for (let i = 1; i < POW_LEVELS.length; i++) expect(POW_LEVELS[i]!.min).toBeGreaterThanOrEqual(POW_LEVELS[i - 1]!.max);
  });
});

describe('KeyHasher', () => {
  const day = 24 * 3600 * 1000;
  test('when the same address is hashed twice in a period, then the hash is the same and is not the address', () => {
    const h = new KeyHasher('k'.repeat(32));
    const now = Date.UTC(2026, 0, 1, 12);
    expect(h.hash('203.0.113.9', now)).toBe(h.hash('203.0.113.9', now + 3600_000));
    expect(h.hash('203.0.113.9', now)).not.toContain('203');
    expect(h.hash('203.0.113.9', now)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  test('when the period turns or the server key differs, then the hash changes', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const h = new KeyHasher('k'.repeat(32));
    expect(h.hash('203.0.113.9', now + day)).not.toBe(h.hash('203.0.113.9', now));
    expect(new KeyHasher('j'.repeat(32)).hash('203.0.113.9', now)).not.toBe(h.hash('203.0.113.9', now));
    expect(h.hash('203.0.113.10', now)).not.toBe(h.hash('203.0.113.9', now));
  });
});
