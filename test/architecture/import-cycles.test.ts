// No module imports itself through others: the layers (model, launch, servers, cli, …) stay
// layers. Checked on the tree, and the checker itself on graphs small enough to read.
import { describe, expect, test } from 'vitest';
import { packagePath } from '../../harness/tool/package-root.js';
import { findCycle, importGraph, relativeImports } from './import-graph.js';

const FOLDERS = ['harness', 'servers', 'suites'];

describe('the import graph of harness/, servers/ and suites/', () => {
  const graph = importGraph(packagePath(), FOLDERS);

  test('is read: every folder has modules, and imports between them are seen', () => {
    for (const folder of FOLDERS) expect([...graph.keys()].some((file) => file.startsWith(`${folder}/`))).toBe(true);
    expect(graph.get('harness/cli/main.ts')).toContain('harness/cli/config.ts');
    expect(graph.get('servers/index.ts')).toContain('servers/synapse/local.ts');
  });

  test('has no cycle', () => {
    const cycle = findCycle(graph);
    expect(cycle, `import cycle: ${cycle?.join(' → ')}`).toBeUndefined();
  });

  test('the launch machinery knows neither the CLI nor the servers that use it', () => {
    const upward = [...graph]
      .filter(([file]) => file.startsWith('harness/launch/'))
      .flatMap(([file, imports]) => imports.filter((target) => /^(harness\/cli|servers)\//.test(target)).map((target) => `${file} → ${target}`));
    expect(upward).toEqual([]);
  });

  test('every relative import names a module that exists', () => {
    const missing = [...graph].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target)).map((target) => `${file} → ${target}`));
    expect(missing).toEqual([]);
  });
});

describe('findCycle', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  test('none in a tree or a diamond', () => {
    expect(findCycle(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }))).toBeUndefined();
  });

  test('names the cycle, its first file repeated at the end', () => {
    expect(findCycle(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
  });

  test('a cycle reached from outside it is named without the way in', () => {
    expect(findCycle(graph({ a: ['b'], b: ['c'], c: ['b'] }))).toEqual(['b', 'c', 'b']);
  });

  test('a module that imports itself', () => {
    expect(findCycle(graph({ a: ['a'] }))).toEqual(['a', 'a']);
  });
});

describe('relativeImports', () => {
  test('value, type-only, re-export, multi-line, side-effect and dynamic imports; packages and comments left out', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      'import {',
      '  d,',
      "} from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      "type G = typeof import('./g.js');",
      "import { parse } from 'yaml';",
      "// import { h } from './h.js';",
      "/* import { i } from './i.js'; */",
    ].join('\n');
    expect(relativeImports(source).sort()).toEqual(['../b.js', './a.js', './c.js', './d.js', './e.js', './f.js', './g.js']);
  });
});
