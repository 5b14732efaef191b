// A small typed element tree and its serialisation: the page is built as data and escaped in
// one place, never assembled from strings, so that a server's answer (markup, quotes,
// control characters) shown as evidence stays text.

export type Attributes = Record<string, string | number | boolean | undefined>;
export type Child = Element | string | number | false | null | undefined | readonly Child[];

export interface Element {
  tag: string;
  attributes: Attributes;
  children: readonly Child[];
  /** For script and style: the text goes in as it is (checked not to close its element). */
  raw?: string;
}

export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): Element {
  return { tag, attributes, children };
}

/** A script or style element whose content is code, not text. */
export function rawElement(tag: 'script' | 'style', text: string, attributes: Attributes = {}): Element {
  if (text.toLowerCase().includes(`</${tag}`)) throw new Error(`internal: ${tag} content closes its own element`);
  return { tag, attributes, children: [], raw: text };
}

const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input']);

// Control characters other than tab and newlines cannot appear in an HTML document; a
// server's body may hold them, so they are shown as their code point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

// Half of a UTF-16 pair cannot be written as UTF-8.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeText(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(LONE_SURROGATE, '\ufffd');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replaceAll('"', '&quot;');
}

function renderAttributes(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escapeAttribute(String(value))}"`))
    .join('');
}

function renderChild(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (typeof child === 'string' || typeof child === 'number') return escapeText(String(child));
  if (Array.isArray(child)) return child.map(renderChild).join('');
  const element = child as Element;
  const open = `<${element.tag}${renderAttributes(element.attributes)}>`;
  if (VOID.has(element.tag)) return open;
  const inner = element.raw ?? element.children.map(renderChild).join('');
  return `${open}${inner}</${element.tag}>`;
}

export function renderDocument(root: Element): string {
  return `<!DOCTYPE html>\n${renderChild(root)}\n`;
}

export function renderFragment(child: Child): string {
  return renderChild(child);
}

/** JSON to put inside a script element: no '<' can end the element early. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}
