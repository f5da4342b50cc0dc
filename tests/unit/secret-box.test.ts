import { SecretBox, deriveKey, newSiteSecret } from '../../server/src/modules/sites/secret-box';

const KEY = 'unit-secrets-key-0123456789abcdef0123456789';

describe('SecretBox', () => {
  test('when a secret is sealed, then the sealed text does not contain it and opens back to it', () => {
    const box = new SecretBox(KEY);
    const secret = newSiteSecret();
    const sealed = box.seal(secret);
    expect(sealed).not.toContain(secret);
    expect(sealed).toMatch(/^v1\./);
    expect(box.open(sealed)).toBe(secret);
  });

  test('when the same secret is sealed twice, then the two sealed values differ (fresh IV)', () => {
    const box = new SecretBox(KEY);
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  test('when a sealed value is opened with another server key, then it throws', () => {
    const sealed = new SecretBox(KEY).seal('s3cret');
    expect(() => new SecretBox(`${KEY}-other`).open(sealed)).toThrow();
  });

  test.each([
    ['a flipped ciphertext byte', (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1)],
    ['a wrong version', (s: string) => s.replace(/^v1/, 'v2')],
    ['a missing part', (s: string) => s.split('.').slice(0, 3).join('.')],
    ['garbage', () => 'garbage'],
  ])('when the sealed value has %s, then opening throws', (_what, spoil) => {
    const box = new SecretBox(KEY);
    expect(() => box.open(spoil(box.seal('a-site-secret-of-some-length')))).toThrow();
  });

  test('when keys are derived for two purposes, then they differ and are 32 bytes', () => {
    const a = deriveKey(KEY, 'site-secrets');
    const b = deriveKey(KEY, 'guest-tokens:news');
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    expect(deriveKey(KEY, 'site-secrets').equals(a)).toBe(true);
  });

  test('when new site secrets are made, then they are 256-bit and unique', () => {
    const s = newSiteSecret();
    expect(Buffer.from(s, 'base64url')).toHaveLength(32);
    expect(newSiteSecret()).not.toBe(s);
  });
});
