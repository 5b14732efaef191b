// The graph of relative imports between the project's .ts files, read as text, and the
// search for a cycle in it. Type-only imports count: a cycle of types still ties modules
// together, and turns into a load-order bug as soon as one of them becomes a value.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** File → the files it imports, all as paths relative to the root. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

// `import … from`, `export … from` (either across lines), `import '…'`, `import('…')`.
const SPECIFIERS = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];

/** The relative specifiers a module's text imports (comments left out). */
export function relativeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = SPECIFIERS.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!));
  return [...new Set(found.filter((specifier) => specifier.startsWith('.')))];
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every .ts file under `folders` (of `root`) with the files it imports; a .js specifier means its .ts. */
export function importGraph(root: string, folders: readonly string[]): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((folder) => tsFilesUnder(join(root, folder)))) {
    const imports = relativeImports(readFileSync(file, 'utf8')).map((specifier) =>
      relative(root, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(root, file), imports);
  }
  return graph;
}

/** A cycle (its files, the first repeated at the end), or undefined when there is none. */
export function findCycle(graph: ImportGraph): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): string[] | undefined => {
    if (onPath.has(file)) return [...path.slice(path.indexOf(file)), file];
    if (done.has(file)) return undefined;
    path.push(file);
    onPath.add(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(file);
    done.add(file);
    return undefined;
  };
  for (const file of [...graph.keys()].sort()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}
