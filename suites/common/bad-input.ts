// Bad input to a requestToken endpoint, made from the medium's field table (input-table.ts):
// for each field, a body without it (if required), with each other JSON type in its place,
// and with each value that breaks one of its rules, every input tried alone. Each must be
// refused with the endpoint's 400 for an invalid request, in the standard error shape: not
// accepted, not a server error, and not a 401/403/404, which refuse something other than the
// input (these endpoints need no access token). Beside each, a `should` that the errcode is
// the one the Client-Server API's error codes name for the case. The values a rule allows at
// its edges must be accepted like any other.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { RawRequest } from '../../harness/target/homeserver.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import { statusAndErrcode, type Exchange } from '../../harness/http/exchange.js';
import { field, matrixError, mismatches, requestTokenSuccess, ScenarioFailure, type Matcher } from '../../harness/model/matchers.js';
import { family, type FamilyScenario, type Level, type ScenarioDraft } from '../../harness/model/scenario.js';
import { refs } from '../../harness/model/spec-refs.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import { wrongTypes, type AroundAddress, type Breach, type CaseDescription, type FieldRow } from './input-table.js';
import type { MediumKit } from './media.js';
import { REF } from './references.js';
import { bindingNeeds, pooledBoundSubject, type AddressState } from './subjects.js';

// The error codes for each case: "Common error codes" and "Other error codes" (API Standards).
const MISSING = ['M_MISSING_PARAM', 'M_BAD_JSON'] as const;
const INVALID = ['M_INVALID_PARAM', 'M_BAD_JSON'] as const;
const ERRCODE_SAYS = {
  M_MISSING_PARAM: 'M_MISSING_PARAM: "A required parameter was missing from the request."',
  M_INVALID_PARAM: 'M_INVALID_PARAM: "A parameter that was specified has the wrong value. For example, the server expected an integer and instead received a string."',
  M_BAD_JSON: 'M_BAD_JSON: "Request contained valid JSON, but it was malformed in some way, e.g. missing required keys, invalid values for keys."',
  M_NOT_JSON: 'M_NOT_JSON: "Request did not contain valid JSON."',
  // The identity service's, passed on by a homeserver that has it validate the address.
  M_INVALID_EMAIL: 'M_INVALID_EMAIL (identity service): "The email address provided was invalid."',
  M_INVALID_ADDRESS: 'M_INVALID_ADDRESS (identity service): "The phone number provided was invalid."',
} as const;
type Errcode = keyof typeof ERRCODE_SAYS;

/** Every bad-input case is one of these, whatever the field: the faults that must fail them all. */
const ANY_BAD_INPUT_FAULTS = ['bad-input-500', 'bad-input-accepted', 'bad-input-401', 'error-body-not-standard', 'error-body-plain-text'];

type Send = { json: unknown } | { raw: RawRequest };

/** Stands in for a subject where only the inputs' errcodes are wanted. */
const PLACEHOLDER_SUBJECT = { email: 'm3c@example.test' } as FreshIdentity;

interface Input {
  label: string;
  send: Send;
  /** The errcodes the spec names for it. */
  errcodes: readonly Errcode[];
}

interface Case extends CaseDescription {
  /** The case replaces or removes the address, so whether it is bound cannot matter. */
  replacesAddress?: boolean;
  inputs(body: Body, identity: FreshIdentity): Input[];
}

type Body = (overrides?: Record<string, unknown>) => Record<string, unknown>;

function without(body: Record<string, unknown>, name: string): Record<string, unknown> {
  const { [name]: _removed, ...rest } = body;
  return rest;
}

const dashed = (name: string) => name.replaceAll('_', '-');

/** A breach of the field, as an input: the field set to the value. */
const breachOf = (row: FieldRow, body: Body, errcodes: readonly Errcode[], identity?: FreshIdentity) => (breach: Breach): Input => {
  const value = identity && typeof breach.value === 'function' ? (breach.value as AroundAddress)(identity.email) : breach.value;
  return {
    label: breach.label,
    send: { json: body({ [row.field]: value }) },
    errcodes: value === null ? [...errcodes, 'M_MISSING_PARAM'] : errcodes,
  };
};

function rowCases(row: FieldRow, required: readonly string[], invalid: string, kit: MediumKit): Case[] {
  const replacesAddress = row.address ?? false;
  const types = wrongTypes(row);
  return [
    ...(row.required
      ? [{
          name: `missing-${dashed(row.field)}`,
          request: `without the required ${row.field}`,
          statements: [row.statement, 'B18'],
          says: `required: [${required.join(', ')}]; 400: "${invalid}"`,
          specRef: row.specRef,
          replacesAddress,
          inputs: (body) => [{ label: `no ${row.field}`, send: { json: without(body(), row.field) }, errcodes: MISSING }],
        } satisfies Case]
      : []),
    {
      name: `wrong-type-${dashed(row.field)}`,
      request: `whose ${row.field} is not ${row.type === 'string' ? 'a string' : 'an integer'} (${types.map((t) => t.label).join(', ')}, each alone)`,
      statements: [row.statement, 'B18'],
      says: `${row.field}: type: ${row.type}; 400: "${invalid}"`,
      specRef: row.specRef,
      replacesAddress,
      inputs: (body) => types.map(breachOf(row, body, INVALID)),
    },
    ...(row.rules ?? []).map((rule): Case => ({
      name: rule.name,
      request: rule.breaches.length > 1 ? `${rule.request} (${rule.breaches.length} kinds, each alone)` : rule.request,
      statements: [...rule.statements, 'B18'],
      says: `${rule.says}; 400: "${invalid}"`,
      specRef: rule.specRef,
      since: rule.since,
      failsUnder: rule.failsUnder,
      replacesAddress: replacesAddress && !rule.aroundAddress,
      // An address the server cannot take may be refused with the identity service's own code, where the server asks it.
      inputs: (body, identity) => rule.breaches.map(breachOf(row, body, row.address ? [...INVALID, kit.identityInvalidAddress] : INVALID, rule.aroundAddress ? identity : undefined)),
    })),
  ];
}

function casesFor(endpoint: EndpointKey, kit: MediumKit): Case[] {
  const invalid = endpoint.startsWith('register-') ? 'Part of the request was invalid' : 'the request was invalid';
  const required = kit.fields.filter((row) => row.required).map((row) => row.field);
  return [
    ...kit.fields.flatMap((row) => rowCases(row, required, invalid, kit)),
    {
      name: 'not-json',
      request: 'whose body is not JSON',
      statements: ['A11', 'B18'],
      says: `"require the client to supply a request body containing a (potentially empty) JSON object"; 400: "${invalid}"`,
      specRef: REF.commonErrors,
      replacesAddress: true,
      inputs: () => [{
        label: 'broken JSON',
        send: { raw: { body: '{"client_secret": "abc", this is not JSON', headers: { 'content-type': 'application/json' } } },
        errcodes: ['M_NOT_JSON'],
      }],
    },
    {
      name: 'not-object',
      request: 'whose JSON body is not an object',
      statements: ['A11', 'B18'],
      says: `"require the client to supply a request body containing a (potentially empty) JSON object"; 400: "${invalid}"`,
      specRef: refs(REF.jsonObjectBody, REF.commonErrors),
      inputs: (body) => [{ label: 'an array', send: { json: [body()] }, errcodes: ['M_BAD_JSON'] }],
    },
  ];
}

/** Sends each input on its own; fails naming every input whose answer broke `expect`, with the first such exchange. */
async function tryEach(context: ScenarioContext, endpoint: EndpointKey, inputs: readonly Input[], expect: (input: Input) => readonly Matcher[]): Promise<void> {
  const broken: string[] = [];
  let evidence: Exchange | undefined;
  for (const input of inputs) {
    const exchange = 'json' in input.send ? await context.hs.requestToken(endpoint, input.send.json) : await context.hs.requestTokenRaw(endpoint, input.send.raw);
    context.observe(`${input.label}: ${statusAndErrcode(exchange)}`);
    const why = mismatches(exchange, expect(input), context);
    if (why.length) {
      broken.push(`${input.label}: ${why.join('; ')}`);
      evidence ??= exchange;
    }
  }
  if (broken.length) {
    const of = inputs.length > 1 ? ` (${broken.length} of ${inputs.length} inputs)` : '';
    throw new ScenarioFailure(`${broken.join('\n')}${of}`, evidence);
  }
}

/**
 * `state` is the address the endpoint expects. For password reset that is a bound one: with
 * an unbound address, M_THREEPID_NOT_FOUND would be a right answer too, and a server that
 * never checks the input would pass.
 */
export function badInputScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  const subjectFor = async (context: ScenarioContext, replacesAddress: boolean): Promise<FreshIdentity> =>
    state === 'bound' && !replacesAddress ? pooledBoundSubject(context, kit) : context.identity;
  const refusals = casesFor(endpoint, kit).flatMap((c): ScenarioDraft[] => {
    const common = {
      specRef: refs(c.specRef, REF.invalidRequest(endpoint)),
      since: c.since ?? 'r0.4.0',
      // Bad input is refused whatever the server supports, so these need nothing of the
      // profile beyond what binding an address takes.
      needs: c.replacesAddress ? [] : bindingNeeds(kit, state),
    } as const;
    const run = (expect: (input: Input) => readonly Matcher[]) => async (context: ScenarioContext) => {
      const identity = await subjectFor(context, c.replacesAddress ?? false);
      await tryEach(context, endpoint, c.inputs((overrides) => kit.body(identity, overrides), identity), expect);
    };
    const inputs = c.inputs(() => ({}), PLACEHOLDER_SUBJECT);
    const errcodes = [...new Set(inputs.flatMap((input) => input.errcodes))];
    // The errcodes every input may have, and those only some may (M_MISSING_PARAM for null).
    const shared = errcodes.filter((code) => inputs.every((input) => input.errcodes.includes(code)));
    const extras = inputs.filter((input) => input.errcodes.length > shared.length);
    const errcodeTitle =
      shared.join(' or ') + extras.map((input) => ` (${input.label}: ${input.errcodes.filter((code) => !shared.includes(code)).join(' or ')} too)`).join('');
    return [
      {
        ...common,
        name: c.name,
        title: `A request ${c.request} is refused with 400 and a standard error`,
        level: 'must' satisfies Level,
        statements: c.statements,
        says: c.says,
        failsUnder: [...ANY_BAD_INPUT_FAULTS, ...(c.failsUnder ?? [])],
        run: run(() => matrixError(400)),
      },
      {
        ...common,
        // Not `<name>-errcode`: an --only pattern naming the must would select this too.
        name: `errcode-${c.name}`,
        title: `A request ${c.request} is refused with errcode ${errcodeTitle}`,
        level: 'should' satisfies Level,
        statements: ['C6'],
        says: errcodes.map((code) => ERRCODE_SAYS[code]).join(' '),
        specRef: refs(common.specRef, REF.commonErrors),
        // A server that does not support the medium may say so first (M_THREEPID_MEDIUM_NOT_SUPPORTED,
        // or a 400 of its own): the spec does not order its checks.
        needs: [kit.validates, ...common.needs],
        failsUnder: ['bad-input-wrong-errcode', 'bad-input-accepted', ...(c.failsUnder ?? [])],
        run: run((input) => [field('errcode', ...input.errcodes)]),
      },
    ];
  });
  const acceptances = kit.fields.flatMap((row) => row.accepted ?? []).map((accepted): ScenarioDraft => ({
    name: accepted.name,
    title: `A request ${accepted.request} is accepted (200), as any other within the rules`,
    level: 'must',
    statements: accepted.statements,
    says: accepted.says,
    specRef: accepted.specRef,
    since: 'r0.4.0',
    needs: [kit.validates, ...bindingNeeds(kit, state)],
    failsUnder: accepted.failsUnder,
    async run(context) {
      const identity = await subjectFor(context, false);
      const field = kit.fields.find((row) => row.accepted?.includes(accepted))!.field;
      const inputs = accepted.values.map((value) => ({ label: value.label, send: { json: kit.body(identity, { [field]: value.value }) }, errcodes: [] }));
      await tryEach(context, endpoint, inputs, () => requestTokenSuccess());
    },
  }));
  return family('bad input', [...refusals, ...acceptances]);
}

