// Faults a scenario injects to see how a homeserver copes with a misbehaving identity service.
// This module only decides which fault a request gets; the server carries it out, since
// `hang` and `reset` act on the connection.
import type { Fault } from './fault.js';
import type { RecordedRequest } from './recording.js';

export type { Fault } from './fault.js';

export interface FaultRule {
  fault: Fault;
  /** A string matches paths ending with it (so it covers v1 and v2); absent matches every path. */
  path?: string | RegExp;
  /** Upper-case HTTP method; absent matches every method. */
  method?: string;
  /** How many requests the rule applies to; unlimited when absent. */
  times?: number;
  /**
   * Only requests this accepts: a scenario's view scopes its faults to its own traffic, so
   * that scenarios running side by side never take each other's faults.
   */
  scope?: (request: RecordedRequest) => boolean;
}

interface ArmedRule {
  readonly rule: FaultRule;
  remaining: number;
}

/** The injected rules, in order; the first that matches a request applies. */
export class FaultBook {
  private rules: ArmedRule[] = [];

  add(rule: FaultRule): void {
    const { fault, times } = rule;
    if (times !== undefined && !(Number.isInteger(times) && times > 0)) {
      throw new RangeError(`FaultRule.times must be a positive integer, got ${times}`);
    }
    if ((fault.kind === 'matrix-error' || fault.kind === 'status') && !isHttpStatus(fault.status)) {
      throw new RangeError(`fault status must be 200-599, got ${fault.status}`);
    }
    this.rules.push({ rule, remaining: times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules still armed, with what is left of their `times`. */
  get pending(): readonly FaultRule[] {
    return this.rules.map(({ rule, remaining }) =>
      remaining === Number.POSITIVE_INFINITY ? rule : { ...rule, times: remaining },
    );
  }

  /** The fault for this request, if any; consumes one use of the rule that matched. */
  take(request: RecordedRequest): Fault | undefined {
    const index = this.rules.findIndex(({ rule }) => matchesRule(rule, request));
    const armed = this.rules[index];
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.rules.splice(index, 1);
    return armed.rule.fault;
  }
}

function matchesRule(rule: FaultRule, request: RecordedRequest): boolean {
  const { method, path } = request;
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.scope !== undefined && !rule.scope(request)) return false;
  if (rule.path === undefined) return true;
  // search() ignores a global regex's lastIndex, which test() would carry between requests.
  return typeof rule.path === 'string' ? path.endsWith(rule.path) : path.search(rule.path) !== -1;
}

function isHttpStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status <= 599;
}
