// The JUnit report: valid against the JUnit schema CI reporters use (checked with xmllint),
// and, read back by an XML parser, it says what the results say.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { escapeAttribute, escapeText, formatJUnit, xmlSafeText } from '../../harness/report/junit.js';
import { childrenNamed, parseXml, textOf, type XmlElement } from './mini-xml.js';
import { runModel } from '../../harness/report/run-model.js';
import { NASTY_BODY, sampleResults, SCENARIOS, SHOULD_FAILED } from './sample-results.js';

const XSD = fileURLToPath(new URL('./junit.xsd', import.meta.url));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const NO_XMLLINT = 'xmllint not found (Debian package libxml2-utils)';
if (!hasXmllint) console.warn(`junit.test.ts: schema validation skipped: ${NO_XMLLINT}`);

const work = mkdtempSync(join(tmpdir(), 'm3c-junit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;

/** xmllint's verdict on a document against test/report/junit.xsd. */
function validate(xml: string): { valid: boolean; output: string } {
  const file = join(work, `doc-${counter++}.xml`);
  writeFileSync(file, xml);
  const run = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  return { valid: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const xml = formatJUnit(sampleResults());
const root = parseXml(xml);
const suites = childrenNamed(root, 'testsuite');
const cases = suites.flatMap((s) => childrenNamed(s, 'testcase'));
const caseFor = (id: string): XmlElement => {
  const found = cases.find((c) => c.attributes.name?.startsWith(`${id}: `));
  if (!found) throw new Error(`no testcase for ${id}`);
  return found;
};

describe('against the JUnit schema', () => {
  test.skipIf(!hasXmllint)(`the report validates${hasXmllint ? '' : ` (skipped: ${NO_XMLLINT})`}`, () => {
    const result = validate(xml);
    expect(result.output).toContain('validates');
    expect(result.valid).toBe(true);
  });

  test.skipIf(!hasXmllint)(`a warning, and under --strict a failure of type should, validate too${hasXmllint ? '' : ` (skipped: ${NO_XMLLINT})`}`, () => {
    const warned = sampleResults([...SCENARIOS, SHOULD_FAILED]);
    expect(validate(formatJUnit(warned)).valid).toBe(true);
    expect(validate(formatJUnit(runModel(warned, { strict: true }))).valid).toBe(true);
  });

  test.skipIf(!hasXmllint)(`an empty run validates too${hasXmllint ? '' : ` (skipped: ${NO_XMLLINT})`}`, () => {
    expect(validate(formatJUnit(sampleResults([]))).valid).toBe(true);
  });

  // The schema is only worth something if it says no: each of these breaks one rule of the
  // format, and each must be rejected.
  const wrong: Array<[string, (doc: string) => string]> = [
    ['a testcase without a classname', (d) => d.replace(/ classname="[^"]*"/, '')],
    ['a testcase without a name', (d) => d.replace(/(<testcase classname="[^"]*") name="[^"]*"/, '$1')],
    ['a failure without a type', (d) => d.replace(/ type="failed"/, '')],
    ['a time that is not a number', (d) => d.replace(/(<testcase[^>]*) time="[^"]*"/, '$1 time="fast"')],
    ['a negative time', (d) => d.replace(/(<testcase[^>]*) time="[^"]*"/, '$1 time="-1.000"')],
    ['a testsuite without a test count', (d) => d.replace(/(<testsuite name="[^"]*") tests="\d+"/, '$1')],
    ['an unknown element in a testcase', (d) => d.replace('<skipped ', '<ignored ')],
    ['an unknown attribute', (d) => d.replace('<testsuite ', '<testsuite colour="red" ')],
    ['properties after the testcases', (d) => d.replace(/(\s*<properties>[\s\S]*?<\/properties>)([\s\S]*?)(\n {2}<\/testsuite>)/, '$2$1$3')],
    ['a skipped and a failure in one testcase', (d) => d.replace(/(<failure )/, '<skipped message="x"/>$1')],
    ['a testcase as the document element', (d) => `<?xml version="1.0" encoding="UTF-8"?>\n${/<testcase [\s\S]*?<\/testcase>/.exec(d)![0]}\n`],
    ['a timestamp with a zone', (d) => d.replace(/timestamp="([^"]*)"/, 'timestamp="$1Z"')],
  ];
  for (const [what, breakIt] of wrong) {
    test.skipIf(!hasXmllint)(`rejects ${what}${hasXmllint ? '' : ` (skipped: ${NO_XMLLINT})`}`, () => {
      const broken = breakIt(xml);
      expect(broken).not.toBe(xml);
      const result = validate(broken);
      expect(result.valid, result.output).toBe(false);
      expect(result.output).toMatch(/fails to validate|Schemas validity error/);
    });
  }
});

describe('read back', () => {
  test('one testsuite per endpoint, in the order of first appearance, one testcase per scenario', () => {
    expect(root.name).toBe('testsuites');
    expect(suites.map((s) => s.attributes.name)).toEqual(['register-email', 'password-email', '3pid-msisdn']);
    expect(cases).toHaveLength(SCENARIOS.length);
    for (const suite of suites) {
      for (const c of childrenNamed(suite, 'testcase')) expect(c.attributes.classname).toBe(suite.attributes.name);
    }
    expect(caseFor('register-email/accepted').attributes.name).toBe('register-email/accepted: A | piped <title> & more');
  });

  test('counts: failures are failed plus unexpected passes; expected failures pass; errors are 0', () => {
    expect(root.attributes).toMatchObject({ tests: '5', failures: '2', errors: '0', skipped: '1', time: '4.321' });
    const register = suites[0]!;
    expect(register.attributes).toMatchObject({ tests: '3', failures: '1', errors: '0', skipped: '0', timestamp: '2026-05-01T10:00:00' });
    expect(suites[1]!.attributes).toMatchObject({ tests: '1', failures: '1', skipped: '0' });
    expect(suites[2]!.attributes).toMatchObject({ tests: '1', failures: '0', skipped: '1' });
  });

  test('time is in seconds', () => {
    expect(caseFor('register-email/denied').attributes.time).toBe('1.234');
    expect(caseFor('3pid-msisdn/denied').attributes.time).toBe('0.000');
  });

  test('every testsuite carries the target, server, spec and profile as properties', () => {
    for (const suite of suites) {
      const [properties] = childrenNamed(suite, 'properties');
      const values = Object.fromEntries(childrenNamed(properties!, 'property').map((p) => [p.attributes.name, p.attributes.value]));
      expect(values).toEqual({
        'target.url': 'http://127.0.0.1:8008',
        'target.server': 'synapse 1.163.2',
        spec: 'v1.19',
        profile: 'synapse',
        tool: 'matrix-3pid-conformance 0.1.0',
      });
    }
  });

  test('a failure: message is the first line of the reason; the text has the reason, spec and the exchange with its curl', () => {
    const [failure, ...more] = childrenNamed(caseFor('register-email/denied'), 'failure');
    expect(more).toEqual([]);
    expect(failure!.attributes).toEqual({ message: 'expected status 403, but status was 200', type: 'failed' });
    const text = textOf(failure!);
    expect(text).toContain('expected status 403, but status was 200\nbody was not JSON');
    expect(text).toContain('spec: v1.19 §10.5.2 (must)');
    expect(text).toContain('> POST http://127.0.0.1:8008/_matrix/client/v3/register/email/requestToken');
    expect(text).toContain('< 200');
    expect(text).toContain(`replay: ${SCENARIOS[0]!.evidence!.exchanges[0]!.curl}`);
    // The server's body arrives intact except for what XML cannot carry.
    expect(text).toContain(xmlSafeText(NASTY_BODY));
    expect(text).toContain('<html><body>Error & "oops" \'x\' ]]> \\u0000\\u0007\\u001b[31m\\u000b\\u000c\\ud800 \\ufffe ok \u{1F600}');
  });

  test('an unexpected pass is a failure of its own type', () => {
    const [failure] = childrenNamed(caseFor('password-email/unknown'), 'failure');
    expect(failure!.attributes.type).toBe('unexpected-pass');
    expect(failure!.attributes.message).toMatch(/^listed as a known failure \(old bug\), but passed/);
  });

  test('a skip carries its reason', () => {
    const c = caseFor('3pid-msisdn/denied');
    expect(childrenNamed(c, 'skipped').map((s) => s.attributes.message)).toEqual([
      'needs a profile that names a phone number prefix the server denies',
    ]);
    expect(childrenNamed(c, 'failure')).toEqual([]);
  });

  test('an expected failure passes, keeping its reason in system-out', () => {
    const c = caseFor('register-email/bound');
    expect(childrenNamed(c, 'failure')).toEqual([]);
    expect(childrenNamed(c, 'skipped')).toEqual([]);
    const [out] = childrenNamed(c, 'system-out');
    expect(textOf(out!)).toBe(`expected failure: ${SCENARIOS[2]!.reason}`);
  });

  test('observed notes of a pass go to system-out', () => {
    const [out] = childrenNamed(caseFor('register-email/accepted'), 'system-out');
    expect(textOf(out!)).toBe('seen: answered 200 with a sid');
  });
});

describe('a failed should', () => {
  const warned = sampleResults([SCENARIOS[1]!, SHOULD_FAILED]);
  const caseIn = (xml: string) => childrenNamed(childrenNamed(parseXml(xml), 'testsuite')[0]!, 'testcase')[1]!;

  test('is a warning: a passing testcase, the reason, spec and evidence in system-out; no failure counted', () => {
    const xml = formatJUnit(warned);
    const c = caseIn(xml);
    expect(childrenNamed(c, 'failure')).toEqual([]);
    const [out] = childrenNamed(c, 'system-out');
    expect(textOf(out!)).toMatch(/^warning \(should\): expected header access-control-allow-origin, but it was absent\n\nspec: v1\.19 §10\.5\.2 \(should\)\n/);
    expect(textOf(out!)).toContain('replay: curl ');
    expect(parseXml(xml).attributes).toMatchObject({ tests: '2', failures: '0' });
  });

  test('under --strict is a failure of type should, counted', () => {
    const xml = formatJUnit(runModel(warned, { strict: true }));
    const [failure] = childrenNamed(caseIn(xml), 'failure');
    expect(failure!.attributes).toEqual({ message: 'expected header access-control-allow-origin, but it was absent', type: 'should' });
    expect(childrenNamed(caseIn(xml), 'system-out')).toEqual([]);
    expect(parseXml(xml).attributes).toMatchObject({ tests: '2', failures: '1' });
  });
});

describe('escaping', () => {
  test('characters outside XML 1.0 become visible escapes; everything else stays', () => {
    expect(xmlSafeText('a\u0000b\u0008c\td\ne\rf\u001fg')).toBe('a\\u0000b\\u0008c\td\ne\rf\\u001fg');
    expect(xmlSafeText('\ud800x\udc00y\ufffe\uffff\ufffd')).toBe('\\ud800x\\udc00y\\ufffe\\uffff\ufffd');
    expect(xmlSafeText('\u{1F600} \u00e9 \u2028')).toBe('\u{1F600} \u00e9 \u2028');
  });

  test('text and attributes', () => {
    expect(escapeText('a < b && c > d ]]>\r\n')).toBe('a &lt; b &amp;&amp; c &gt; d ]]&gt;&#13;\n');
    expect(escapeAttribute('say "hi"\nand\ttab\r')).toBe('say &quot;hi&quot;&#10;and&#9;tab&#13;');
  });

  test('a multi-line attribute survives attribute-value normalisation', () => {
    const results = sampleResults([{ ...SCENARIOS[4]!, reason: 'line one\nline two\ttabbed' }]);
    const [skipped] = childrenNamed(childrenNamed(childrenNamed(parseXml(formatJUnit(results)), 'testsuite')[0]!, 'testcase')[0]!, 'skipped');
    expect(skipped!.attributes.message).toBe('line one\nline two\ttabbed');
  });
});
