// Reading request parameters the way the identity-service spec asks: a missing parameter is
// 400 M_MISSING_PARAMS, a present one of the wrong type or shape is 400 M_INVALID_PARAM.

import { MatrixError } from './matrix-error.js';

/**
 * Where the values came from. Form bodies and query strings carry only strings, so a number
 * sent that way (Dendrite's `send_attempt=1`) arrives as "1" and is accepted as one; JSON
 * must carry real numbers.
 */
export type ParamEncoding = 'json' | 'form' | 'query';

/** `client_secret` and `sid`: `[0-9a-zA-Z.=_-]`, 1 to 255 characters (identity-service spec). */
export const OPAQUE_ID = /^[0-9a-zA-Z.=_-]{1,255}$/;

export class Params {
  constructor(
    private readonly values: Readonly<Record<string, unknown>>,
    readonly encoding: ParamEncoding,
  ) {}

  /** Checks all at once, so the error names every missing parameter. */
  require(...names: string[]): this {
    const missing = names.filter((name) => !this.has(name));
    if (missing.length > 0) {
      throw new MatrixError(400, 'M_MISSING_PARAMS', `Missing parameters: ${missing.join(', ')}`);
    }
    return this;
  }

  has(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== null;
  }

  string(name: string): string {
    this.require(name);
    const value = this.values[name];
    if (typeof value !== 'string') throw invalid(name, 'must be a string');
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  integer(name: string): number {
    this.require(name);
    const value = this.values[name];
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (this.encoding !== 'json' && typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
    throw invalid(name, 'must be an integer');
  }

  opaqueId(name: string): string {
    const value = this.string(name);
    if (!OPAQUE_ID.test(value)) throw invalid(name, 'must be 1 to 255 characters of [0-9a-zA-Z.=_-]');
    return value;
  }

  object(name: string): Params {
    this.require(name);
    const value = this.values[name];
    if (!isPlainObject(value)) throw invalid(name, 'must be an object');
    return new Params(value, this.encoding);
  }

  stringArray(name: string): string[] {
    this.require(name);
    const value = this.values[name];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw invalid(name, 'must be an array of strings');
    }
    return value;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(name: string, why: string): MatrixError {
  return new MatrixError(400, 'M_INVALID_PARAM', `Parameter '${name}' ${why}`);
}
