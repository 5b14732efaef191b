// --update-expectations against the reference homeserver: a new failure is added for review;
// a known failure that passes is kept for the releases before this one; the file's own header
// comment (its generated first line following the run) and shared reasons stay; and a file the
// run would not change is left as it is.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runCli } from './run-cli.js';
import { startReference } from '../reference-server/cli-against-reference.js';
import { SETUPS } from '../reference-server/setups.js';

const dir = mkdtempSync(join(tmpdir(), 'm3c-update-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAILS = 'register-email/denied';
const PASSES = 'register-email/success';
const STAYS = 'register-email/wrong-method';

test('a run rewrites what changed, under the header it found, and then finds nothing to change', async () => {
  const file = join(dir, 'server.yaml');
  writeFileSync(
    file,
    [
      '# Known failures of reference 0.9 (profile synapse), one per scenario with the reason.',
      '# Reasons reviewed by hand.',
      'reasons:',
      '  shared: Fixed in the next release, said the maintainers.',
      'expectations:',
      `  ${PASSES}:`,
      '    status: fail',
      '    because: shared',
      `  ${STAYS}:`,
      '    status: fail',
      '    because: shared',
      '',
    ].join('\n'),
  );
  const { hs, targetArgs } = await startReference(SETUPS[0]!, ['denied-allowed']);
  try {
    // STAYS is not run, so its entry (and the reason it names) stays.
    const update = () => runCli([...targetArgs, '--expectations', file, '--update-expectations', '--only', `*${FAILS},*${PASSES}`, '--quiet']);
    const first = await update();
    expect(first.stdout + first.stderr).toMatch(/expectations written to .*server\.yaml \(3 known failures\)/);
    const written = readFileSync(file, 'utf8');
    // The tool's own first line follows the run; the rest of the comment is kept.
    expect(written).toMatch(/^# Known failures of reference 1\.0 \(profile synapse\), one per scenario with the reason\.\n# Reasons reviewed by hand\.\nreasons:\n {2}shared: /);
    expect(written).toContain(`${FAILS}:\n    status: fail\n    reason: "unreviewed: `);
    // The reference homeserver says it is release 1.0.
    expect(written).toContain(`${PASSES}:\n    status: fail\n    because: shared\n    versions: <1.0`);
    expect(written).toContain(`${STAYS}:\n    status: fail\n    because: shared`);

    const modified = statSync(file).mtimeMs;
    const second = await update();
    expect(second.stdout + second.stderr).toMatch(/expectations in .*server\.yaml unchanged \(3 known failures\)/);
    expect(statSync(file).mtimeMs).toBe(modified);
  } finally {
    await hs.stop();
  }
}, 120_000);
