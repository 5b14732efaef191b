import { describe, expect, it } from 'vitest';
import { decodeHtmlEntities, extractLinks, findValidationLink, readValidationParams } from '../../harness/fakes/mail/validation-link.js';

const SUBMIT = 'http://127.0.0.1:8008/_matrix/client/unstable/add_threepid/email/submit_token';

describe('extractLinks', () => {
  it('decodes &amp; in HTML so the HTML copy of a link equals the text copy', () => {
    const url = `${SUBMIT}?token=abc&client_secret=s3cret&sid=42`;
    const links = extractLinks(`Follow ${url}`, `<a href="${url.replaceAll('&', '&amp;')}">here</a>`);
    expect(links).toEqual([url]);
  });

  it('keeps text links before HTML links and drops duplicates', () => {
    const links = extractLinks('a https://one.test/x b https://two.test/y', '<a href="https://two.test/y">2</a><a href="https://three.test/">3</a>');
    expect(links).toEqual(['https://one.test/x', 'https://two.test/y', 'https://three.test/']);
  });

  it('stops at quotes, angle brackets and whitespace, and leaves sentence punctuation out', () => {
    const text = 'See <https://a.test/p?q=1>, or https://b.test/x. Also (https://c.test/y) and https://d.test/w_(x).';
    expect(extractLinks(text, undefined)).toEqual(['https://a.test/p?q=1', 'https://b.test/x', 'https://c.test/y', 'https://d.test/w_(x)']);
  });

  it('decodes numeric character references and ignores non-http schemes', () => {
    const links = extractLinks('mailto:alice@example.org ftp://files.test/x', '<a href="https&#x3a;//e.test/?a=1&#38;b=2">x</a>');
    expect(links).toEqual(['https://e.test/?a=1&b=2']);
  });

  it('finds nothing in a mail without links', () => {
    expect(extractLinks('Your code is 123456.', '<p>Your code is <b>123456</b>.</p>')).toEqual([]);
  });

  it('does not decode twice (an escaped entity stays an entity)', () => {
    expect(decodeHtmlEntities('&amp;lt; &bogus; &#0;')).toBe('&lt; &bogus; &#0;');
  });
});

describe('findValidationLink and readValidationParams', () => {
  it('picks the first link with a token, skipping earlier links without one', () => {
    const link = `${SUBMIT}?token=tok&client_secret=cs&sid=s1`;
    const found = findValidationLink(['https://matrix.org/logo.png', link, `${SUBMIT}?token=later`]);
    expect(found).toBe(link);
    expect(readValidationParams(found)).toEqual({ token: 'tok', sid: 's1', clientSecret: 'cs' });
  });

  it('accepts sid plus client_secret without a token', () => {
    const link = 'https://hs.test/_synapse/client/password_reset/email/submit_token?sid=s2&client_secret=cs2';
    expect(findValidationLink([link])).toBe(link);
    expect(readValidationParams(link)).toEqual({ token: undefined, sid: 's2', clientSecret: 'cs2' });
  });

  it('rejects links that only look like validation links', () => {
    // sid alone, client_secret alone, "token" in the path or fragment rather than the query.
    const lookalikes = ['https://hs.test/x?sid=1', 'https://hs.test/x?client_secret=1', 'https://hs.test/token/abc', 'https://hs.test/x#token=abc', 'https://hs.test/x?tokens=1'];
    expect(findValidationLink(lookalikes)).toBeUndefined();
    expect(readValidationParams(undefined)).toEqual({ token: undefined, sid: undefined, clientSecret: undefined });
  });

  it('percent-decodes query values', () => {
    expect(readValidationParams('https://hs.test/x?token=a%2Bb&client_secret=c%3Dd&sid=e')).toEqual({ token: 'a+b', sid: 'e', clientSecret: 'c=d' });
  });
});
