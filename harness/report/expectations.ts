// Known failures of one server, each with the reason it fails (web-platform-tests style),
// so that a server's CI fails on regressions only.
import { existsSync, readFileSync } from 'node:fs';
import { Document, isPair, isScalar, parse, visit } from 'yaml';
import { QUICK_SKIP_REASON } from '../model/scenario.js';
import { builtInNames } from '../tool/server-folders.js';
import type { Status } from './status.js';
import { inRange, narrowed, parseRange } from './version-range.js';

export interface Expectation {
  /** The only status a known deviation can have for now: the scenario fails. */
  status: 'fail';
  /** Why the server fails it: the deviation, in a sentence a reader can check. */
  reason: string;
  /**
   * The name of the file's shared reason (under `reasons:`) that `reason` was read from: one
   * deviation that fails many scenarios (an endpoint not implemented) is written, and reviewed, once.
   */
  because?: string;
  /** An issue or pull request tracking it. */
  link?: string;
  /** The server releases it holds for (version-range.ts); every release when absent. */
  versions?: string;
}

/** Every entry of a file, per scenario: one, or several for different releases. */
export type ExpectationBook = Map<string, Expectation[]>;

export class ExpectationsError extends Error {}

/**
 * Reads an expectations file (YAML or JSON: `{ reasons?: { <name>: <reason> }, expectations:
 * { <scenario id>: {status, reason or because: <name>, link?, versions?} or a list of them } }`)
 * and keeps the entries that hold for the server's release. An entry for a scenario that does
 * not exist is an error, as is a shared reason no entry names: a stale file would otherwise
 * hide nothing and mislead everyone.
 */
export function loadExpectations(file: string, knownIds: ReadonlySet<string>, serverVersion?: string): Map<string, Expectation> {
  return applying(readExpectations(file, knownIds), serverVersion);
}

/** The entry that holds for the release, per scenario. A release that is not a number (unknown) gets the unranged ones. */
export function applying(book: ExpectationBook, serverVersion: string | undefined): Map<string, Expectation> {
  const result = new Map<string, Expectation>();
  for (const [id, entries] of book) {
    const entry = entries.find((candidate) => holdsFor(candidate, serverVersion));
    if (entry) result.set(id, entry);
  }
  return result;
}

function holdsFor(entry: Expectation, serverVersion: string | undefined): boolean {
  return entry.versions === undefined || (serverVersion !== undefined && inRange(serverVersion, entry.versions));
}

export function readExpectations(file: string, knownIds: ReadonlySet<string>): ExpectationBook {
  if (!existsSync(file)) {
    const named = !file.includes('/') && !/\.(ya?ml|json)$/.test(file);
    throw new ExpectationsError(`expectations file ${file}: no such file${named ? `, nor a built-in name (${builtInNames('expectations').join(', ')})` : ''}`);
  }
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ExpectationsError(`expectations file ${file}: not YAML/JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const entries = (data as { expectations?: unknown } | null)?.expectations;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new ExpectationsError(`expectations file ${file}: needs a top-level "expectations" map of scenario ids`);
  }
  const reasons = readReasons((data as { reasons?: unknown }).reasons, file);
  const book: ExpectationBook = new Map();
  for (const [id, raw] of Object.entries(entries)) {
    const where = `expectations file ${file}: ${id}`;
    if (!knownIds.has(id)) throw new ExpectationsError(`${where}: no scenario has this id (stale entry?)`);
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) throw new ExpectationsError(`${where}: an empty list of entries`);
    if (list.length > 1 && list.some((entry) => (entry as Partial<Expectation> | null)?.versions === undefined)) {
      throw new ExpectationsError(`${where}: several entries need a "versions" range each`);
    }
    book.set(id, list.map((entry) => readEntry(entry as Partial<Expectation> | null, reasons, where)));
  }
  const named = new Set([...book.values()].flat().map((entry) => entry.because));
  const unused = [...reasons.keys()].find((name) => !named.has(name));
  if (unused !== undefined) throw new ExpectationsError(`expectations file ${file}: reasons: ${unused}: no entry names it (stale reason?)`);
  return book;
}

/** The file's shared reasons, by name. */
function readReasons(raw: unknown, file: string): Map<string, string> {
  if (raw === undefined) return new Map();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ExpectationsError(`expectations file ${file}: "reasons" must map names to reasons`);
  }
  return new Map(
    Object.entries(raw).map(([name, reason]) => {
      if (typeof reason !== 'string' || reason.trim() === '') throw new ExpectationsError(`expectations file ${file}: reasons: ${name}: must be a sentence`);
      return [name, reason.trim()];
    }),
  );
}

function readEntry(entry: Partial<Expectation> | null, reasons: ReadonlyMap<string, string>, where: string): Expectation {
  if (entry?.status !== 'fail') throw new ExpectationsError(`${where}: status must be "fail"`);
  const reason = reasonOf(entry, reasons, where);
  if (entry.link !== undefined && typeof entry.link !== 'string') throw new ExpectationsError(`${where}: link must be a string`);
  if (entry.versions !== undefined) {
    if (typeof entry.versions !== 'string') throw new ExpectationsError(`${where}: versions must be a range such as ">=1.120.0 <1.140.0"`);
    try {
      parseRange(entry.versions);
    } catch (error) {
      throw new ExpectationsError(`${where}: versions: ${(error as Error).message}`);
    }
  }
  return {
    status: 'fail',
    reason,
    ...(entry.because !== undefined && { because: entry.because }),
    ...(entry.link && { link: entry.link }),
    ...(entry.versions !== undefined && { versions: entry.versions.trim() }),
  };
}

/** An entry's own reason, or the shared one it names with `because`: one of the two. */
function reasonOf(entry: Partial<Expectation>, reasons: ReadonlyMap<string, string>, where: string): string {
  if (entry.because !== undefined) {
    if (entry.reason !== undefined) throw new ExpectationsError(`${where}: a reason or "because", not both`);
    const shared = typeof entry.because === 'string' ? reasons.get(entry.because) : undefined;
    if (shared === undefined) throw new ExpectationsError(`${where}: because: ${String(entry.because)} is not one of the file's reasons`);
    return shared;
  }
  if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
    throw new ExpectationsError(`${where}: every known failure needs a reason`);
  }
  return entry.reason.trim();
}

/** Entries whose range holds for none of the releases a matrix ran: for releases nobody tests, or mistyped. */
export function staleEntries(book: ExpectationBook, serverVersions: readonly string[]): Array<{ id: string; versions: string }> {
  return [...book].flatMap(([id, entries]) =>
    entries
      .filter((entry) => entry.versions !== undefined && !serverVersions.some((version) => inRange(version, entry.versions!)))
      .map((entry) => ({ id, versions: entry.versions! })),
  );
}

/** The verdicts the update needs from a run. */
export interface RunVerdict {
  id: string;
  status: Status;
  reason?: string;
}

/**
 * Known failures after a run of `serverVersion`: every scenario that failed stays or becomes
 * one (a new entry carries the failure's first line, marked for review, as its reason; it
 * holds for this release alone where the scenario has entries for others); a listed scenario
 * that passed keeps its entry for the releases before this one (or, without a release number,
 * loses it); one that does not apply to this target loses its entry; one that was not run
 * this time (outside --only, or skipped by --quick) keeps it.
 */
export function updatedExpectations(previous: ExpectationBook, verdicts: readonly RunVerdict[], serverVersion?: string): ExpectationBook {
  const release = serverVersion !== undefined && isRelease(serverVersion) ? serverVersion : undefined;
  const next: ExpectationBook = new Map([...previous].map(([id, entries]) => [id, [...entries]]));
  const replace = (id: string, entries: Expectation[]) => (entries.length ? next.set(id, entries) : next.delete(id));
  for (const verdict of verdicts) {
    const entries = next.get(verdict.id) ?? [];
    const held = entries.find((entry) => holdsFor(entry, release));
    const others = entries.filter((entry) => entry !== held);
    if (verdict.status === 'passed' || verdict.status === 'unexpected-pass') {
      replace(verdict.id, held && release ? [...others, ...fixedAt(held, release)] : others);
    } else if (verdict.status === 'skipped' && verdict.reason !== QUICK_SKIP_REASON) {
      replace(verdict.id, others);
    } else if (verdict.status === 'failed') {
      const firstLine = (verdict.reason ?? 'failed').split('\n')[0]!.trim();
      const entry: Expectation = { status: 'fail', reason: `unreviewed: ${firstLine}`, ...(release && entries.length > 0 && { versions: `=${release}` }) };
      replace(verdict.id, [...entries, entry]);
    }
  }
  return next;
}

/** What is left of an entry for the releases it may still hold for, once `release` passed. */
function fixedAt(entry: Expectation, release: string): Expectation[] {
  const bounds = entry.versions === undefined ? [] : parseRange(entry.versions);
  const bounded = bounds.some(({ op }) => op === '<' || op === '<=' || op === '=');
  if (!bounded) return [{ ...entry, versions: narrowed(entry.versions, '<', release) }];
  if (bounds.some(({ op }) => op === '=')) return [];
  // A bounded range with a fixed release inside it: the releases on either side.
  return [
    { ...entry, versions: narrowed(entry.versions, '<', release) },
    { ...entry, versions: narrowed(entry.versions, '>', release) },
  ];
}

function isRelease(version: string): boolean {
  return /^\d+(\.\d+)*(rc\d+)?$/.test(version);
}

/** Longer reasons are written as folded blocks. */
const REASON_LINE = 60;

export function formatExpectations(expectations: ExpectationBook, header: string): string {
  // Shared reasons are written once, under the names entries give them; an entry written
  // with its own reason keeps it. One entry is written as a map, several as a list: a file
  // for one release stays as it was.
  const reasons = new Map<string, string>();
  const written = (entry: Expectation) => {
    if (entry.because === undefined) return entry;
    reasons.set(entry.because, entry.reason);
    const { reason: _shared, ...rest } = entry;
    return rest;
  };
  const entries = Object.fromEntries(
    [...expectations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, list]) => [id, list.length === 1 ? written(list[0]!) : list.map(written)]),
  );
  const comment = header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  const shared = reasons.size === 0 ? {} : { reasons: Object.fromEntries([...reasons].sort(([a], [b]) => a.localeCompare(b))) };
  const document = new Document({ ...shared, expectations: entries });
  // Reasons are prose: folded blocks read as prose, where quoted strings need escapes.
  visit(document, {
    Pair(_key, pair, path) {
      const underReasons = path.some((node) => isPair(node) && isScalar(node.key) && node.key.value === 'reasons');
      const isReason = underReasons || (isScalar(pair.key) && pair.key.value === 'reason');
      if (isReason && isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value.length > REASON_LINE) pair.value.type = 'BLOCK_FOLDED';
    },
  });
  return `${comment}\n${document.toString({ lineWidth: 100 })}`;
}

/** The comment a file opens with, as formatExpectations was given it; undefined where it has none. */
export function headerOf(text: string): string | undefined {
  return text
    .match(/^(?:#.*\n)+/)?.[0]
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^# ?/, ''))
    .join('\n');
}
