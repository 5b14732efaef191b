// What the request body's definition (request_email_validation, request_msisdn_validation)
// says of each field, one table row per field: its JSON type, whether it is required, and the
// rules on its value (character set, length, format), each with the values that break it one
// way at a time and, where a rule has edges, the values just inside them. bad-input.ts makes
// the scenarios from these rows; nothing here sends a request.
import type { Medium } from '../../harness/model/endpoints.js';
import { noted, release, type SpecRef } from '../../harness/model/spec-refs.js';
import type { SpecVersion } from '../../harness/model/spec-versions.js';
import { REF } from './references.js';

/** One input tried on its own, in an otherwise well-formed body. */
export interface Breach {
  /** What is wrong with it, for the report: "a space", "256 characters". */
  label: string;
  /** The value, or how to make it from the subject's own address (see ValueRule.aroundAddress). */
  value: unknown;
}

/** A value made from the subject's email address. */
export type AroundAddress = (email: string) => string;

/** What a scenario made from the table (bad-input.ts) says of itself, and the faults that break it. */
export interface CaseDescription {
  /** The scenario's name within the endpoint (stable: expectations files key on it). */
  name: string;
  /** The request, for a title: "whose client_secret has a character outside [0-9a-zA-Z.=_-]". */
  request: string;
  statements: readonly string[];
  /** The spec's words the case rests on. */
  says: string;
  specRef: SpecRef;
  since?: SpecVersion;
  /** Faults that break this case alone, besides those that break all bad input. */
  failsUnder?: readonly string[];
}

/** A rule on a field's value, and the inputs that break it. */
export interface ValueRule extends CaseDescription {
  breaches: readonly Breach[];
  /**
   * The breaches wrap the subject's own address (values are AroundAddress): a server that
   * takes the address out of them then meets the address the endpoint expects (bound, for
   * password reset) and answers 200, where a refusal for some other reason would hide it.
   */
  aroundAddress?: boolean;
}

/** Values at a rule's edges, which the server must take as it takes any other. */
export interface AcceptedValues extends Omit<CaseDescription, 'since' | 'failsUnder'> {
  failsUnder: readonly string[];
  values: readonly Breach[];
}

export interface FieldRow {
  field: string;
  type: 'string' | 'integer';
  required: boolean;
  /** The statement (spec/statements.yaml) giving the field's type and presence. */
  statement: string;
  specRef: SpecRef;
  /** The field carries the address, so a body without it has no address to bind. */
  address?: boolean;
  rules?: readonly ValueRule[];
  accepted?: readonly AcceptedValues[];
}

/**
 * Every JSON type but the field's own. null is tried only on required fields: for an
 * optional one, many servers read null as absent, and the spec does not say that they must
 * tell the two apart.
 */
export function wrongTypes(row: Pick<FieldRow, 'type' | 'required'>): Breach[] {
  const others: Breach[] = [
    ...(row.type === 'string' ? [{ label: 'a number', value: 12345 }] : [{ label: 'a string', value: '1' }, { label: 'a fraction', value: 1.5 }]),
    { label: 'true', value: true },
    ...(row.required ? [{ label: 'null', value: null }] : []),
    { label: 'an object', value: {} },
    { label: 'an array', value: row.type === 'string' ? ['m3c'] : [1] },
  ];
  return others;
}

const CLIENT_SECRET_SAYS =
  'It must be a string consisting of the characters `[0-9a-zA-Z.=_-]`. Its length must not exceed 255 characters and it must not be empty.';

/** A secret of the allowed alphabet, `length` long. */
function secretOf(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.=_-';
  return Array.from({ length }, (_, i) => alphabet[(i * 7) % alphabet.length]).join('');
}

/**
 * Each kind of character outside the alphabet, alone in an otherwise valid secret: ASCII
 * punctuation the alphabet leaves out, white space, a control character, and letters and
 * digits beyond ASCII (which a check with Unicode-aware \w or \d lets through).
 */
const FORBIDDEN_CHARACTERS: readonly Breach[] = [
  ['a space', ' '],
  ['a tab', '\t'],
  ['a slash', '/'],
  ['an exclamation mark', '!'],
  ['a plus sign', '+'],
  ['a percent sign', '%'],
  ['a colon', ':'],
  ['a tilde', '~'],
  ['a NUL', '\u0000'],
  ['a non-ASCII letter (é)', 'é'],
  ['a non-ASCII digit (٣)', '٣'],
  ['an emoji', '🔑'],
].map(([label, character]) => ({ label: label!, value: `m3c${character}secret` }));

function clientSecret(medium: Medium): FieldRow {
  const specRef = REF.clientSecret(medium);
  const rule = { statements: ['A1'], says: CLIENT_SECRET_SAYS, specRef } as const;
  return {
    field: 'client_secret',
    type: 'string',
    required: true,
    statement: 'A1',
    specRef,
    rules: [
      {
        ...rule,
        name: 'client-secret-bad-characters',
        request: 'whose client_secret has a character outside [0-9a-zA-Z.=_-]',
        failsUnder: ['client-secret-unchecked', 'client-secret-non-ascii-allowed'],
        breaches: FORBIDDEN_CHARACTERS,
      },
      {
        ...rule,
        name: 'client-secret-empty',
        request: 'with an empty client_secret',
        failsUnder: ['client-secret-unchecked'],
        breaches: [{ label: '0 characters', value: '' }],
      },
      {
        ...rule,
        name: 'client-secret-too-long',
        request: 'whose client_secret is longer than 255 characters',
        failsUnder: ['client-secret-unchecked'],
        breaches: [{ label: '256 characters', value: secretOf(256) }],
      },
    ],
    accepted: [
      {
        ...rule,
        name: 'client-secret-bounds-accepted',
        request: 'whose client_secret is 1 or 255 characters, or uses each of . = _ -',
        failsUnder: ['client-secret-boundary-off-by-one'],
        values: [
          { label: '1 character', value: 'x' },
          { label: '255 characters', value: secretOf(255) },
          { label: 'each of . = _ -', value: 'm3c.a=b_c-d' },
        ],
      },
    ],
  };
}

const NOT_A_URI = { label: 'not a URI', value: 'not a uri' };

function nextLink(medium: Medium): FieldRow {
  const specRef = noted(REF.nextLink(medium), `format: uri since ${release('v1.14')}`);
  return {
    field: 'next_link',
    type: 'string',
    required: false,
    statement: 'A8',
    specRef,
    rules: [
      {
        name: 'next-link-not-a-uri',
        request: 'whose next_link is not a URI',
        statements: ['A8'],
        says: 'next_link: `type: string`, `format: uri`; "When the validation is completed, the identity server will redirect the user to this URL."',
        specRef,
        since: 'v1.14',
        failsUnder: ['next-link-unchecked'],
        // A relative reference is not a URI (RFC 3986's URI has a scheme).
        breaches: [NOT_A_URI, { label: 'a relative reference', value: '/congratulations.html' }],
      },
    ],
  };
}

const sendAttempt = (medium: Medium): FieldRow => ({
  field: 'send_attempt',
  type: 'integer',
  required: true,
  statement: 'A6',
  specRef: REF.sendAttempt(medium),
});

export const EMAIL_FIELDS: readonly FieldRow[] = [
  clientSecret('email'),
  {
    field: 'email',
    type: 'string',
    required: true,
    statement: 'A2',
    specRef: REF.emailField,
    address: true,
    rules: [
      {
        name: 'email-unparsable',
        request: 'whose email is not an email address',
        statements: ['A3'],
        says: 'email: `type: string`, `format: email`',
        specRef: REF.emailFormat,
        since: 'v1.14',
        failsUnder: ['email-unchecked'],
        breaches: [
          { label: 'words', value: 'not an email address' },
          { label: 'no @', value: 'm3c.example.test' },
          { label: 'no domain', value: 'm3c@' },
          { label: 'no local part', value: '@example.test' },
          { label: 'two @', value: 'm3c@one@example.test' },
          { label: 'an empty string', value: '' },
        ],
      },
      {
        name: 'email-with-other-text',
        request: 'whose email carries other text (a real name, angle brackets, a mailto: prefix)',
        statements: ['A3', 'D3'],
        says: 'The `address` is the raw email address in `user@domain` form […]. It must not contain other text such as real name, angle brackets or a mailto: prefix.',
        specRef: REF.emailAddressForm,
        since: 'v1.14',
        failsUnder: ['email-other-text-allowed'],
        aroundAddress: true,
        breaches: [
          { label: 'a real name and angle brackets', value: ((email) => `M3C Tester <${email}>`) satisfies AroundAddress },
          { label: 'angle brackets', value: ((email) => `<${email}>`) satisfies AroundAddress },
          { label: 'a mailto: prefix', value: ((email) => `mailto:${email}`) satisfies AroundAddress },
        ],
      },
    ],
  },
  sendAttempt('email'),
  nextLink('email'),
];

export const MSISDN_FIELDS: readonly FieldRow[] = [
  clientSecret('msisdn'),
  {
    field: 'country',
    type: 'string',
    required: true,
    statement: 'A4',
    specRef: REF.phoneNumber,
    address: true,
    rules: [
      {
        name: 'country-invalid',
        request: 'whose country is not a two-letter ISO 3166-1 alpha-2 code',
        statements: ['A4'],
        says: 'country: "The two-letter uppercase ISO-3166-1 alpha-2 country code that the number in `phone_number` should be parsed as if it were dialled from."',
        specRef: REF.phoneNumber,
        breaches: [
          { label: 'a name', value: 'Neverland' },
          { label: 'one letter', value: 'G' },
          { label: 'an alpha-3 code', value: 'GBR' },
          { label: 'a calling code', value: '44' },
          { label: 'an empty string', value: '' },
        ],
      },
    ],
  },
  {
    field: 'phone_number',
    type: 'string',
    required: true,
    statement: 'A5',
    specRef: REF.phoneNumber,
    address: true,
    rules: [
      {
        name: 'phone-number-unparsable',
        request: 'whose phone_number is not a phone number',
        statements: ['A5'],
        says: 'phone_number: "The phone number to validate."',
        specRef: REF.phoneNumber,
        breaches: [
          { label: 'words', value: 'not a phone number' },
          { label: 'an empty string', value: '' },
          // E.164 numbers have at most 15 digits.
          { label: '21 digits', value: '077009001234567890123' },
        ],
      },
    ],
  },
  sendAttempt('msisdn'),
  nextLink('msisdn'),
];
