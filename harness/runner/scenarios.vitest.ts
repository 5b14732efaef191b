// The one test file Vitest runs for the CLI: every selected scenario of every suite, grouped
// by endpoint. A scenario that does not apply is still registered, and skipped with why.
import { describe, inject } from 'vitest';
import { SUITES } from '../../suites/index.js';
import { idFilter, inapplicability } from '../model/scenario.js';
import { scenarioTest } from './fixtures.js';
import type { ScenarioMeta } from './meta.js';

// Long enough for a mail round trip and a bounded "no second mail" window; the HTTP
// client's own deadline keeps a hanging server well inside it.
const SCENARIO_TIMEOUT_MS = 90_000;

const target = inject('target');
const selected = idFilter(target.only);

for (const suite of SUITES) {
  describe(suite.endpoint, () => {
    for (const scenario of suite.scenarios.filter((s) => selected(s.id))) {
      const reason = inapplicability(scenario, target.spec, target.profile, { quick: target.quick });
      if (reason) {
        scenarioTest(scenario.id, ({ task, skip }) => {
          (task.meta as ScenarioMeta).skipReason = reason;
          skip(reason);
        });
      } else {
        // Vitest sets up the fixtures a test function destructures; every one is cheap, so a
        // scenario gets them all and may take its context whole.
        scenarioTest(
          scenario.id,
          { timeout: SCENARIO_TIMEOUT_MS },
          ({ target, spec, profile, hs, is, mailbox, identity, accounts, must, observe }) =>
            scenario.run({ target, spec, profile, hs, is, mailbox, identity, accounts, must, observe }),
        );
      }
    }
  });
}
