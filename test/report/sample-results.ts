// A results file with every verdict, and the awkward text a real server can send back:
// markup, entities, CDATA terminators, control characters, emoji, a lone surrogate, pipes.
import { toCurl, type Exchange } from '../../harness/http/exchange.js';
import type { Results, ScenarioResult } from '../../harness/report/results.js';
import { summarise } from '../../harness/report/results.js';

export const NASTY_BODY =
  '<html><body>Error & "oops" \'x\' ]]> \u0000\u0007\u001b[31m\u000b\u000c\ud800 \ufffe ok \u{1F600}\t\r\n</body></html>';

const request = {
  method: 'POST',
  url: 'http://127.0.0.1:8008/_matrix/client/v3/register/email/requestToken',
  headers: { 'content-type': 'application/json' },
  body: '{"client_secret":"s3cr3t","email":"a@denied.test","send_attempt":1}',
};

const exchange: Exchange & { curl: string } = {
  request,
  response: { status: 200, headers: { 'content-type': 'text/html' }, body: NASTY_BODY, truncated: false },
  startedAt: '2026-05-01T10:00:00.123Z',
  durationMs: 12,
  curl: toCurl(request),
};

const base = { level: 'must' as const, specRef: 'v1.19 §10.5.2', durationMs: 25 };

export const SCENARIOS: ScenarioResult[] = [
  {
    ...base,
    id: 'register-email/denied',
    endpoint: 'register-email',
    title: 'A denied address is refused with 403 M_THREEPID_DENIED',
    status: 'failed',
    reason: 'expected status 403, but status was 200\nbody was not JSON',
    durationMs: 1234,
    evidence: { exchanges: [exchange] },
  },
  {
    ...base,
    id: 'register-email/accepted',
    endpoint: 'register-email',
    title: 'A | piped <title> & more',
    status: 'passed',
    observed: ['answered 200 with a sid'],
  },
  {
    ...base,
    id: 'register-email/bound',
    endpoint: 'register-email',
    title: 'A bound address is refused, or its owner is mailed',
    status: 'expected-failure',
    reason: 'known failure: Synapse answers 400 M_THREEPID_IN_USE late (https://example.org/issue/1)\nexpected 400',
  },
  {
    ...base,
    id: 'password-email/unknown',
    endpoint: 'password-email',
    title: 'An unknown address is refused or hidden',
    level: 'should',
    status: 'unexpected-pass',
    reason: 'listed as a known failure (old bug), but passed: remove it from the expectations file',
  },
  {
    ...base,
    id: '3pid-msisdn/denied',
    endpoint: '3pid-msisdn',
    title: 'A denied number is refused',
    status: 'skipped',
    reason: 'needs a profile that names a phone number prefix the server denies',
    durationMs: 0,
  },
];

export function sampleResults(scenarios: ScenarioResult[] = SCENARIOS): Results {
  return {
    tool: { name: 'matrix-3pid-conformance', version: '0.1.0' },
    target: { url: 'http://127.0.0.1:8008', server: { name: 'synapse', version: '1.163.2' } },
    spec: 'v1.19',
    profile: 'synapse',
    startedAt: '2026-05-01T10:00:00.000Z',
    durationMs: 4321,
    summary: summarise(scenarios),
    scenarios,
  };
}

/** A failed should-level scenario: a warning, which fails the run only under --strict. */
export const SHOULD_FAILED: ScenarioResult = {
  ...base,
  id: 'register-email/cors-headers',
  endpoint: 'register-email',
  title: 'Answers carry the CORS headers',
  level: 'should',
  status: 'failed',
  reason: 'expected header access-control-allow-origin, but it was absent',
  durationMs: 40,
  evidence: { exchanges: [exchange] },
};

/** The statements section of a run that checked two of the three statements holding at its release, one only in part. */
export const SAMPLE_STATEMENTS = { checked: ['denied-refused', 'cors-headers'], weak: ['cors-headers'], notChecked: ['bound-refused'] };
