#!/usr/bin/env node
// Compares two results files (or two folders of them, file by file): the same scenario ids
// with the same status, level, family, title and spec reference. A refactoring, a dependency
// upgrade or a scheduling change must leave this silent.
//
//   node scripts/compare-verdicts.mjs before.json after.json
//   node scripts/compare-verdicts.mjs results-before/ results-after/
//
// Exit 0 when every pair is the same, 1 when any differs, 2 on bad arguments.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const FIELDS = ['status', 'level', 'family', 'title', 'specRef'];

function pairs(before, after) {
  if (!statSync(before).isDirectory()) return [[before, after]];
  return readdirSync(before)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [join(before, name), join(after, name)]);
}

function verdicts(file) {
  const results = JSON.parse(readFileSync(file, 'utf8'));
  return new Map(results.scenarios.map((s) => [s.id, FIELDS.map((f) => `${f}=${s[f] ?? ''}`).join(' ')]));
}

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: compare-verdicts.mjs BEFORE AFTER (two results files, or two folders of them)');
  process.exit(2);
}
let differences = 0;
for (const [a, b] of pairs(before, after)) {
  const [va, vb] = [verdicts(a), verdicts(b)];
  const ids = [...new Set([...va.keys(), ...vb.keys()])].sort();
  const changed = ids.filter((id) => va.get(id) !== vb.get(id));
  console.log(`${basename(a)}: ${va.size} and ${vb.size} scenarios, ${changed.length ? `${changed.length} differ` : 'same'}`);
  for (const id of changed) {
    console.log(`  ${id}\n    before: ${va.get(id) ?? '(absent)'}\n    after:  ${vb.get(id) ?? '(absent)'}`);
  }
  differences += changed.length;
}
process.exit(differences ? 1 : 0);
