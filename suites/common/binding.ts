// What account/3pid/add and GET /account/3pid promise about the addresses added: each listed
// in canonical form, with when it was validated and added; none taken from another account.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { jsonOf } from '../../harness/http/exchange.js';
import { status, type Matcher } from '../../harness/model/matchers.js';
import { family, type FamilyScenario, type ScenarioDraft } from '../../harness/model/scenario.js';
import { noted, refs } from '../../harness/model/spec-refs.js';
import { clientPrefix } from '../../harness/model/spec-versions.js';
import type { Account } from '../../harness/target/accounts.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import { capitalised, SPELLING_SAMPLE, type MediumKit } from './media.js';
import { REF } from './references.js';

type Threepid = Record<string, unknown>;

/** Every item of the list has the four required fields, the timestamps integers. */
function threepidItems(): Matcher {
  return {
    expectation: 'threepids: items each with medium (email or msisdn), address (a string), validated_at and added_at (integers)',
    mismatch: (exchange) => {
      const list = (jsonOf(exchange) as { threepids?: unknown } | undefined)?.threepids;
      if (!Array.isArray(list)) return 'there is no threepids list';
      const wrong = (list as Threepid[]).flatMap((item, index) => {
        const problems = [
          ...(item['medium'] === 'email' || item['medium'] === 'msisdn' ? [] : ['medium']),
          ...(typeof item['address'] === 'string' ? [] : ['address']),
          ...(['validated_at', 'added_at'] as const).filter((name) => !Number.isSafeInteger(item[name])),
        ];
        return problems.length ? [`item ${index} lacks (or mistypes) ${problems.join(', ')}`] : [];
      });
      return wrong.length ? wrong.join('; ') : undefined;
    },
  };
}

async function listed(context: Pick<ScenarioContext, 'accounts'>, account: Account): Promise<Threepid[]> {
  return (await context.accounts.threepids(account)) as Threepid[];
}

function expectListed(context: ScenarioContext, kit: MediumKit, threepids: Threepid[], address: string, how: string): void {
  if (!threepids.some((t) => t['medium'] === kit.medium && t['address'] === address)) {
    throw new Error(`GET ${clientPrefix(context.spec)}/account/3pid does not list ${kit.medium} ${address} (${how}); it lists ${JSON.stringify(threepids)}`);
  }
}

export function bindingScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  const needs = [kit.validates, kit.sendsObservable, 'accounts'] as const;
  const listedSpelled = (name: string, level: 'must' | 'should', since: 'r0.6.0' | 'v1.1', says: string, statement: string): ScenarioDraft[] => {
    const pick = level;
    const forms = kit.otherForms(SPELLING_SAMPLE)[pick];
    if (forms.length === 0) return [];
    return [
      {
        name,
        title: `${capitalised(kit.aNoun)} validated as written another way (${forms[0]!.label}) is listed by GET /account/3pid in canonical form${kit.canonicalForm.gloss}`,
        level,
        says,
        statements: [statement, 'F1'],
        specRef: refs(REF.threepidTypes(kit.medium), REF.threepidAdd),
        since,
        needs,
        failsUnder: [kit.canonicalForm.listedAsWritten],
        async run(context) {
          const identity = context.identity;
          const form = kit.otherForms(identity)[pick][0]!;
          if (form.spelling.email) {
            context.mailbox.claim([form.spelling.email]);
            context.is.claim({ addresses: [form.spelling.email] });
          }
          const account = await kit.bind(context, { ...identity, ...form.spelling });
          expectListed(context, kit, await listed(context, account), kit.canonical(identity), `bound as written ${form.label}`);
        },
      },
    ];
  };
  return family('account/3pid', [
    ...listedSpelled('listed-canonical', 'must', 'r0.6.0', kit.canonicalForm.says, kit.canonicalForm.statement),
    ...listedSpelled('listed-case-folded', 'should', 'v1.1', 'implementations are expected to apply the unicode case-folding algorithm', 'D1b'),
    {
      name: 'listed-with-timestamps',
      title: `GET /account/3pid lists the added ${kit.noun} with medium, address, validated_at and added_at (integers, milliseconds)`,
      level: 'must',
      says: 'required: medium, address, validated_at, added_at',
      statements: ['F2'],
      specRef: REF.threepidList,
      since: 'r0.4.0',
      needs,
      failsUnder: ['threepids-without-timestamps'],
      async run(context) {
        const account = await kit.bind(context, context.identity);
        const exchange = await context.accounts.listThreepids(account);
        context.must.match(exchange, status(200), threepidItems());
        expectListed(context, kit, (jsonOf(exchange) as { threepids: Threepid[] }).threepids, kit.canonical(context.identity), 'just added');
      },
    },
    {
      name: 'add-refuses-address-of-another',
      title: `${capitalised(kit.aNoun)} validated by two users is added only to the account that adds it first: the second's POST /account/3pid/add does not add it`,
      level: 'should',
      says: "Homeservers should prevent the caller from adding a 3PID to their account if it has already been added to another user's account",
      statements: ['F3'],
      specRef: noted(REF.threepidAddOnly, '"Homeservers should prevent the caller from adding a 3PID to their account if it has already been added to another user\'s account"'),
      since: 'r0.6.0',
      needs,
      failsUnder: ['add-steals-bound-address'],
      async run(context) {
        const first = context.identity;
        const other = context.newIdentity();
        // The same address, validated by a second user before the first adds it: both sessions are real.
        const second = { ...other, email: first.email, msisdn: first.msisdn, msisdnCanonical: first.msisdnCanonical, clientSecret: `${first.clientSecret}.second` };
        const firstAccount = await context.accounts.create(first);
        const secondAccount = await context.accounts.create(second);
        const firstSession = await kit.validated(context, firstAccount, first);
        const secondSession = await kit.validated(context, secondAccount, second);
        await context.accounts.add(firstAccount, firstSession);
        const answer = await context.accounts.tryAdd(secondAccount, secondSession);
        const address = kit.canonical(first);
        const taken = (await listed(context, secondAccount)).some((t) => t['medium'] === kit.medium && t['address'] === address);
        if (taken) throw new Error(`the second user's account now lists ${kit.medium} ${address}, already added to the first user's (its add answered ${answer.response?.status})`);
        const body = jsonOf(answer) as { errcode?: unknown } | undefined;
        context.observe(`the second add answered ${answer.response?.status}${typeof body?.errcode === 'string' ? ` ${body.errcode}` : ''}`);
        expectListed(context, kit, await listed(context, firstAccount), address, "the first user's, after the second tried");
      },
    },
  ]);
}

