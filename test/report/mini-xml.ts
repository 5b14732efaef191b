// A strict parser for the XML subset the reporters write (declaration, elements, attributes,
// text, character and the five predefined entity references), so that tests can read a
// report back the way an XML parser would: attribute whitespace normalised, references
// resolved. Anything outside the subset, or not well-formed, throws.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: Array<XmlElement | string>;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// XML 1.0 Char production.
const CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

export function parseXml(text: string): XmlElement {
  if (!CHAR.test(text)) throw new Error('document contains characters XML 1.0 does not allow');
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
  };
  const skipSpace = () => {
    while (pos < text.length && ' \t\r\n'.includes(text[pos]!)) pos++;
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) return fail('expected a name');
    pos += match[0].length;
    return match[0];
  };
  const references = (raw: string): string =>
    raw.replace(/&([^;]*);/g, (_, ref: string) => {
      if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
      const value = ENTITIES[ref];
      if (value === undefined) throw new Error(`unknown entity &${ref};`);
      return value;
    });
  const checkRaw = (raw: string, where: string) => {
    if (/&(?![a-z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(raw)) fail(`bare & in ${where}`);
    if (raw.includes('<')) fail(`< in ${where}`);
  };

  const element = (): XmlElement => {
    if (text[pos] !== '<') fail('expected <');
    pos++;
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return { name: tag, attributes, children: [] };
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      const attr = name();
      skipSpace();
      if (text[pos] !== '=') fail('expected =');
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") return fail('expected a quoted value');
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated attribute');
      const raw = text.slice(pos + 1, end);
      checkRaw(raw, `attribute ${attr}`);
      if (attr in attributes) fail(`duplicate attribute ${attr}`);
      // Attribute-value normalisation (XML 1.0 §3.3.3): literal whitespace becomes a space.
      attributes[attr] = references(raw.replace(/[\t\n\r]/g, ' '));
      pos = end + 1;
    }
    const children: Array<XmlElement | string> = [];
    for (;;) {
      if (pos >= text.length) fail(`unclosed <${tag}>`);
      if (text.startsWith('</', pos)) {
        pos += 2;
        if (name() !== tag) fail(`mismatched end tag for <${tag}>`);
        skipSpace();
        if (text[pos] !== '>') fail('expected >');
        pos++;
        return { name: tag, attributes, children };
      }
      if (text.startsWith('<!', pos) || text.startsWith('<?', pos)) fail('comments, CDATA and PIs are outside the subset');
      if (text[pos] === '<') {
        children.push(element());
        continue;
      }
      const next = text.indexOf('<', pos);
      const raw = text.slice(pos, next < 0 ? text.length : next);
      checkRaw(raw, `text of <${tag}>`);
      if (raw.includes(']]>')) fail(']]> in text');
      children.push(references(raw.replace(/\r\n?/g, '\n')));
      pos += raw.length;
    }
  };

  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>/.exec(text);
  if (decl) pos = decl[0].length;
  skipSpace();
  const root = element();
  skipSpace();
  if (pos !== text.length) fail('content after the document element');
  return root;
}

/** Child elements with this name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** The element's text content (its own text children, concatenated). */
export function textOf(element: XmlElement): string {
  return element.children.filter((c): c is string => typeof c === 'string').join('');
}
