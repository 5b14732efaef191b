// Results files written before evidence was redacted still reach the dashboard: what it
// loads of them carries no credential, and its curl lines keep the placeholders.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { toCurl, type Exchange } from '../../harness/http/exchange.js';
import { loadResultsFolder } from '../../harness/dashboard/load-results.js';
import { results } from './fixture-runs.js';

const SECRETS = ['syt_old_token', 'old-password', 'old-mac', 'old-nonce', 'old-validation-token'];

const registration: Exchange = {
  request: {
    method: 'POST',
    url: 'http://127.0.0.1:8008/_synapse/admin/v1/register',
    headers: { authorization: 'Bearer syt_old_token', 'content-type': 'application/json' },
    body: JSON.stringify({ nonce: 'old-nonce', username: 'u', password: 'old-password', mac: 'old-mac' }),
  },
  response: { status: 400, headers: {}, body: '{"errcode":"M_UNKNOWN","access_token":"syt_old_token"}', truncated: false },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3,
};

test('an older results file holding credentials loads without them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'm3c-redacted-'));
  const old = results({
    date: '2026-01-01T00:00:00.000Z',
    statuses: {
      'register-email/a': {
        status: 'failed',
        reason: `status 400\n\n> GET http://127.0.0.1:8008/submit?sid=1&token=old-validation-token\n  authorization: Bearer syt_old_token\nreplay: ${toCurl(registration.request)}`,
        evidence: { exchanges: [{ ...registration, curl: toCurl(registration.request) }] },
      },
    },
  });
  const file = join(dir, 'old.json');
  writeFileSync(file, JSON.stringify(old));
  for (const secret of SECRETS) expect(JSON.stringify(old)).toContain(secret);

  const { runs, rejected } = loadResultsFolder(dir);
  expect(rejected).toEqual([]);
  const loaded = JSON.stringify(runs);
  for (const secret of SECRETS) expect(loaded, secret).not.toContain(secret);
  const [exchange] = runs[0]!.results.scenarios[0]!.evidence!.exchanges;
  expect(exchange!.curl).toContain("'authorization: Bearer <redacted: access_token>'");
  expect(exchange!.curl).toContain('"password":"<redacted: password>"');
});
