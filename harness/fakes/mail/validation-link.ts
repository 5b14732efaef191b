// Finding the validation link in a homeserver's mail.
//
// Homeservers put the link in both the text and the HTML part, and the HTML copy has its
// query separators escaped as `&amp;`; both must come out as the same URL so that a scenario
// can follow it (or read token/sid/client_secret from it) without caring which part it came from.

export interface ValidationParams {
  token: string | undefined;
  sid: string | undefined;
  clientSecret: string | undefined;
}

// Characters RFC 3986 never allows in a URL (plus quotes and angle brackets, which delimit
// URLs in HTML attributes and in `<https://...>` text), so a match stops where the URL does.
const URL_PATTERN = /https?:\/\/[^\s"'<>\\^`{|}]+/gi;

// Sentence punctuation that follows a URL in prose far more often than it ends one.
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * Decodes the HTML character references that can appear around or inside a URL. Not a
 * general HTML decoder: unknown named entities are left as they are, which is harmless for
 * finding links.
 */
export function decodeHtmlEntities(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/**
 * Every http(s) URL in the text part and then the HTML part, in order of appearance,
 * de-duplicated, with entities in the HTML decoded first (so `&amp;` becomes `&`).
 */
export function extractLinks(text: string, html: string | undefined): string[] {
  const found = new Set<string>();
  for (const source of [text, html === undefined ? '' : decodeHtmlEntities(html)]) {
    for (const match of source.matchAll(URL_PATTERN)) {
      const url = trimTrailingPunctuation(match[0]);
      if (isParsableUrl(url)) found.add(url);
    }
  }
  return [...found];
}

/** The first link that carries a validation token, or a session id with its client secret. */
export function findValidationLink(links: readonly string[]): string | undefined {
  return links.find((link) => {
    const query = queryOf(link);
    return query !== undefined && (query.has('token') || (query.has('sid') && query.has('client_secret')));
  });
}

/** token, sid and client_secret from a link's query; each undefined when absent. */
export function readValidationParams(link: string | undefined): ValidationParams {
  const query = link === undefined ? undefined : queryOf(link);
  return {
    token: query?.get('token') ?? undefined,
    sid: query?.get('sid') ?? undefined,
    clientSecret: query?.get('client_secret') ?? undefined,
  };
}

function trimTrailingPunctuation(candidate: string): string {
  let url = candidate;
  for (;;) {
    const trimmed = trimUnbalancedClosers(url.replace(TRAILING_PUNCTUATION, ''));
    if (trimmed === url) return url;
    url = trimmed;
  }
}

// "(see https://example.org/x)" should not swallow the ")", but a URL that itself contains
// balanced parentheses should keep them.
function trimUnbalancedClosers(url: string): string {
  const pairs: ReadonlyArray<readonly [string, string]> = [
    ['(', ')'],
    ['[', ']'],
  ];
  for (const [open, close] of pairs) {
    if (url.endsWith(close) && count(url, close) > count(url, open)) return url.slice(0, -1);
  }
  return url;
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function isParsableUrl(candidate: string): boolean {
  return URL.canParse(candidate) && new URL(candidate).hostname !== '';
}

function queryOf(link: string): URLSearchParams | undefined {
  return URL.canParse(link) ? new URL(link).searchParams : undefined;
}
