// What a verdict says about the server, whatever the expectations file said: a known
// failure is still a failure (the dashboard compares servers, not their expectations), and
// an unexpected pass is still a pass.
import type { Status } from '../report/status.js';

export type Outcome = 'pass' | 'fail' | 'not-applicable';

export const OUTCOME_OF = {
  passed: 'pass',
  'unexpected-pass': 'pass',
  failed: 'fail',
  'expected-failure': 'fail',
  skipped: 'not-applicable',
} as const satisfies Record<Status, Outcome>;

export function outcomeOf(status: Status): Outcome {
  return OUTCOME_OF[status];
}
