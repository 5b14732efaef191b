// A column's score: per level, the scenarios that passed of those that applied. Expected
// failures are failures here; skipped scenarios did not apply and are not counted.
import { warnsOnly, type Level } from '../model/scenario.js';
import type { ScenarioResult } from '../report/results.js';
import { outcomeOf } from './outcome.js';

export interface LevelScore {
  passed: number;
  applicable: number;
}

/** must, and should with may: the scenarios that fail a run, and those that only warn. */
export type Score = Record<'must' | 'should', LevelScore>;

export const LEVELS: readonly Level[] = ['must', 'should', 'may'];

export function scoreOf(scenarios: readonly ScenarioResult[]): Score {
  const score: Score = { must: { passed: 0, applicable: 0 }, should: { passed: 0, applicable: 0 } };
  for (const scenario of scenarios) {
    const outcome = outcomeOf(scenario.status);
    if (outcome === 'not-applicable') continue;
    const level = warnsOnly(scenario.level) ? 'should' : 'must';
    score[level].applicable++;
    if (outcome === 'pass') score[level].passed++;
  }
  return score;
}

export function formatLevelScore(score: LevelScore): string {
  return `${score.passed}/${score.applicable}`;
}

/** The share passed, 0 … 1; a level with nothing applicable counts as fully passed. */
export function shareOf(score: LevelScore): number {
  return score.applicable === 0 ? 1 : score.passed / score.applicable;
}
