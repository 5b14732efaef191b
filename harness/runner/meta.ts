import type { Exchange } from '../http/exchange.js';

/**
 * What a scenario's Vitest task carries back to the reporter. The scenario itself is found
 * by the task's name, its id, so only what the run saw travels here.
 */
export interface ScenarioMeta {
  skipReason?: string;
  exchanges?: Exchange[];
  observed?: string[];
}
