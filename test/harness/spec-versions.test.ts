// The release registry and the citations built from it.
import { describe, expect, test } from 'vitest';
import { noted, ref, refs, release } from '../../harness/model/spec-refs.js';
import { atLeast, clientPrefix, NEWEST_SPEC, newestAdvertised, SPEC_VERSIONS } from '../../harness/model/spec-versions.js';

describe('the release registry', () => {
  test('names each release once, and the newest is its last entry', () => {
    expect(new Set(SPEC_VERSIONS).size).toBe(SPEC_VERSIONS.length);
    expect(NEWEST_SPEC).toBe(SPEC_VERSIONS.at(-1));
    expect(SPEC_VERSIONS[0]).toBe('r0.4.0');
  });

  test('the client API is at /r0 before v1.1 and at /v3 from it', () => {
    expect(clientPrefix('r0.6.1')).toBe('/_matrix/client/r0');
    expect(clientPrefix('v1.1')).toBe('/_matrix/client/v3');
    for (const version of SPEC_VERSIONS) {
      expect(clientPrefix(version), version).toBe(atLeast(version, 'v1.1') ? '/_matrix/client/v3' : '/_matrix/client/r0');
    }
  });

  test('newestAdvertised orders releases by the registry, not as text', () => {
    expect(newestAdvertised(['r0.6.1', 'v1.10', 'v1.9', 'v9.99'])).toBe('v1.10');
    expect(newestAdvertised(['r0.3.0'])).toBeUndefined();
  });
});

describe('citations', () => {
  test('render release, document and sections; notes in parentheses; several joined by "; "', () => {
    const section = ref('v1.19', 'Client-Server API', 'API Standards', '"Common error codes"');
    expect(section).toBe('v1.19 Client-Server API, API Standards, "Common error codes"');
    expect(noted(section, `M_UNRECOGNIZED, since ${release('v1.6')}`)).toBe(
      'v1.19 Client-Server API, API Standards, "Common error codes" (M_UNRECOGNIZED, since v1.6)',
    );
    expect(refs(ref('r0.4.0', 'registration.yaml'), ref('v1.19', 'Identity Service API'))).toBe(
      'r0.4.0 registration.yaml; v1.19 Identity Service API',
    );
  });

  test('name only releases the registry knows (checked by the typecheck)', () => {
    // @ts-expect-error: not a release in the registry
    ref('v1.99', 'Client-Server API');
    // @ts-expect-error: nor inside a remark
    release('r0.3.0');
  });
});
