// Known failures of one server, each with the reason it fails (web-platform-tests style),
// so that a server's CI fails on regressions only.
import { existsSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { QUICK_SKIP_REASON } from '../model/scenario.js';
import type { Status } from './status.js';

export interface Expectation {
  /** The only status a known deviation can have for now: the scenario fails. */
  status: 'fail';
  /** Why the server fails it: the deviation, in a sentence a reader can check. */
  reason: string;
  /** An issue or pull request tracking it. */
  link?: string;
}

export class ExpectationsError extends Error {}

/**
 * Reads an expectations file (YAML or JSON: `{ expectations: { <scenario id>: {status,
 * reason, link?} } }`). An entry for a scenario that does not exist is an error: a stale
 * file would otherwise hide nothing and mislead everyone.
 */
export function loadExpectations(file: string, knownIds: ReadonlySet<string>): Map<string, Expectation> {
  if (!existsSync(file)) throw new ExpectationsError(`expectations file ${file}: no such file`);
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
  const result = new Map<string, Expectation>();
  for (const [id, raw] of Object.entries(entries)) {
    const where = `expectations file ${file}: ${id}`;
    if (!knownIds.has(id)) throw new ExpectationsError(`${where}: no scenario has this id (stale entry?)`);
    const entry = raw as Partial<Expectation> | null;
    if (entry?.status !== 'fail') throw new ExpectationsError(`${where}: status must be "fail"`);
    if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw new ExpectationsError(`${where}: every known failure needs a reason`);
    }
    if (entry.link !== undefined && typeof entry.link !== 'string') throw new ExpectationsError(`${where}: link must be a string`);
    result.set(id, { status: 'fail', reason: entry.reason.trim(), ...(entry.link && { link: entry.link }) });
  }
  return result;
}

/** The verdicts the update needs from a run. */
export interface RunVerdict {
  id: string;
  status: Status;
  reason?: string;
}

/**
 * Known failures after a run: every scenario that failed stays or becomes one (a new entry
 * carries the failure's first line, marked for review, as its reason); a listed scenario that
 * passed, or that does not apply to this target, is dropped; one that was not run this time
 * (outside --only, or skipped by --quick) keeps its entry.
 */
export function updatedExpectations(previous: ReadonlyMap<string, Expectation>, verdicts: readonly RunVerdict[]): Map<string, Expectation> {
  const next = new Map(previous);
  for (const verdict of verdicts) {
    if (verdict.status === 'passed' || verdict.status === 'unexpected-pass') next.delete(verdict.id);
    if (verdict.status === 'skipped' && verdict.reason !== QUICK_SKIP_REASON) next.delete(verdict.id);
    if (verdict.status === 'failed') {
      const firstLine = (verdict.reason ?? 'failed').split('\n')[0]!.trim();
      next.set(verdict.id, { status: 'fail', reason: `unreviewed: ${firstLine}` });
    }
  }
  return next;
}

export function formatExpectations(expectations: ReadonlyMap<string, Expectation>, header: string): string {
  const entries = Object.fromEntries([...expectations].sort(([a], [b]) => a.localeCompare(b)));
  const comment = header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  return `${comment}\n${stringify({ expectations: entries }, { lineWidth: 100 })}`;
}
