// The one test file Vitest runs for the CLI: every selected scenario of every suite, grouped
// by endpoint. A scenario that does not apply is still registered, and skipped with why.
import { describe, inject } from 'vitest';
import { SUITES } from '../../suites/index.js';
import { idFilter, inapplicability } from '../scenario.js';
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
      const reason = inapplicability(scenario, target.spec, target.profile);
      if (reason) {
        scenarioTest(scenario.id, ({ task, skip }) => {
          (task.meta as ScenarioMeta).skipReason = reason;
          skip(reason);
        });
      } else {
        // Handed to Vitest as is, so that it sets up exactly the fixtures the scenario names.
        scenarioTest(scenario.id, { timeout: SCENARIO_TIMEOUT_MS }, scenario.run);
      }
    }
  });
}
