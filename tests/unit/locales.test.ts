import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES, en, fmt, textsFor } from '@parley/sdk/widget/texts';

const LOCALES_DIR = path.join(__dirname, '../../client-sdk/src/widget/locales');
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('widget text catalogs', () => {
  test('when the catalogs are listed, then there is one file per shipped language and at least en, es, fr, de, pt, it', () => {
    const files = fs.readdirSync(LOCALES_DIR).map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(Object.keys(LANGUAGES).sort());
    expect(Object.keys(LANGUAGES)).toEqual(expect.arrayContaining(['en', 'es', 'fr', 'de', 'pt', 'it']));
  });

  test.each(Object.keys(LANGUAGES))(
    'when the %s catalog is read, then it has every key of English, none empty, none extra',
    (code) => {
      const catalog = LANGUAGES[code]!;
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      for (const [key, value] of Object.entries(catalog))
        expect({ key, empty: value.trim() === '' }).toEqual({ key, empty: false });
      expect(catalog.locale).toBe(code);
    },
  );

  test.each(Object.keys(LANGUAGES))('when the %s catalog is read, then plural forms and placeholders match English', (code) => {
    const catalog = LANGUAGES[code]! as unknown as Record<string, string>;
    for (const [key, english] of Object.entries(en as unknown as Record<string, string>)) {
      const text = catalog[key]!;
      expect({ key, forms: text.split('|').length }).toEqual({ key, forms: english.split('|').length });
      expect({ key, vars: placeholders(text) }).toEqual({ key, vars: placeholders(english) });
    }
  });
});

describe('text formatting through Intl', () => {
  test.each([
    { lang: 'en', n: 1, out: '1 comment' },
    { lang: 'en', n: 0, out: '0 comments' },
    { lang: 'fr', n: 0, out: '0 commentaire' },
    { lang: 'fr', n: 2, out: '2 commentaires' },
    { lang: 'de', n: 1234, out: '1.234 Kommentare' },
    { lang: 'en', n: 1234, out: '1,234 comments' },
    { lang: 'es', n: 1, out: '1 comentario' },
    { lang: 'pt', n: 1, out: '1 comentário' },
    { lang: 'it', n: 5, out: '5 commenti' },
  ])('when $n comments are counted in $lang, then the heading reads "$out"', ({ lang, n, out }) => {
    const t = textsFor(lang);
    expect(fmt(t.count, { n }, t.locale)).toBe(out);
  });

  test('when a region tag or an unknown language is asked for, then its language or English is used', () => {
    expect(textsFor('pt-BR').locale).toBe('pt');
    expect(textsFor('de_AT').post).toBe('Kommentar senden');
    expect(textsFor('xx').locale).toBe('en');
    expect(textsFor(undefined, { post: 'Send' }).post).toBe('Send');
  });

  test('when a site owner overrides the locale with an invalid tag, then formatting falls back to English rules', () => {
    expect(fmt('{n} item|{n} items', { n: 1 }, 'not a locale!')).toBe('1 item');
    expect(fmt('Hello {name}', { name: 'Ana' })).toBe('Hello Ana');
  });
});
