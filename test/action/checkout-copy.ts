// A copy of this checkout as git would ship it (tracked and new files, not ignored ones: no
// node_modules, no dist), so that packing and installing run on a clean tree without
// touching the working copy that other tests read.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packagePath } from '../../harness/tool/package-root.js';

export function copyCheckout(to: string): void {
  const root = packagePath();
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)));
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(root, file), join(to, file));
  }
}
