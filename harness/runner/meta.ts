import type { Exchange } from '../http/exchange.js';
import type { Level } from '../scenario.js';

/** What a scenario's Vitest task carries back to the reporter. */
export interface ScenarioMeta {
  scenario?: { id: string; endpoint: string; title: string; level: Level; specRef: string };
  skipReason?: string;
  exchanges?: Exchange[];
  observed?: string[];
}
