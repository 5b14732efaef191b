// How a scenario cites the spec: a release the registry knows, one of its documents, and the
// sections down to the sentence, rendered as "v1.19 Client-Server API, API Standards, …".
// Scenarios take no other kind of citation, so none can name a release the suite does not know.
import type { SpecVersion } from './spec-versions.js';

declare const cited: unique symbol;
/** A citation built by ref() (and joined or annotated by refs() and noted()), never free text. */
export type SpecRef = string & { readonly [cited]: true };

/** The documents cited: the two APIs, the appendices (3PID types), and the API description file the r0 releases spelled a rule in. */
export type SpecDocument = 'Client-Server API' | 'Identity Service API' | 'Appendices' | 'registration.yaml';

export function ref(version: SpecVersion, document: SpecDocument, ...sections: string[]): SpecRef {
  return [`${version} ${document}`, ...sections].join(', ') as SpecRef;
}

/** The citation with a remark in parentheses: the sentence quoted, or what of it applies. */
export function noted(reference: SpecRef, note: string): SpecRef {
  return `${reference} (${note})` as SpecRef;
}

/** Several citations for one scenario. */
export function refs(...references: readonly SpecRef[]): SpecRef {
  return references.join('; ') as SpecRef;
}

/** A release named inside a remark or a title ("since v1.13"), typed so that the registry knows it. */
export function release(version: SpecVersion): SpecVersion {
  return version;
}
