// Each launchable server keeps its files in a folder of its own, servers/<family>/: its
// launcher, config template, profiles/ and expectations/. Built-in profiles and
// expectations are found by name across those folders, so a new server's files are found
// without being listed anywhere.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from './package-root.js';

const SERVERS_DIR = packagePath('servers');

/** servers/<family>/, in the checkout or the installed package. */
export function serverFolder(family: string): string {
  return join(SERVERS_DIR, family);
}

export type BuiltInKind = 'profiles' | 'expectations';

/** Where a built-in file is looked for, for messages: servers/*\/profiles/NAME.json. */
export function builtInPattern(kind: BuiltInKind, fileName: string): string {
  return join(SERVERS_DIR, '*', kind, fileName);
}

/** Every built-in file of a kind, by file name (synapse.json → its path). */
export function builtInFiles(kind: BuiltInKind): Map<string, string> {
  const files = new Map<string, string>();
  for (const family of readdirSync(SERVERS_DIR, { withFileTypes: true })) {
    const dir = join(SERVERS_DIR, family.name, kind);
    if (!family.isDirectory() || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      // A name is how --profile and --expectations pick a file: two would make it ambiguous.
      const other = files.get(name);
      if (other) throw new Error(`built-in ${kind} ${name} exists twice: ${other} and ${join(dir, name)}`);
      files.set(name, join(dir, name));
    }
  }
  return files;
}

/** `servers/<any family>/<kind>/<fileName>`, where one exists. */
export function builtInFile(kind: BuiltInKind, fileName: string): string | undefined {
  return builtInFiles(kind).get(fileName);
}

/** The names of a kind's built-in files, for a message that lists them: "synapse, synapse-privacy, …". */
export function builtInNames(kind: BuiltInKind): string[] {
  return [...builtInFiles(kind).keys()].map((name) => name.replace(/\.(json|yaml)$/, '')).sort();
}
