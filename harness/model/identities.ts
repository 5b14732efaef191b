// Fresh third-party identifiers for every scenario, so that runs against the same server
// never see each other's bindings, sessions or rate-limit buckets.
import { randomBytes, randomInt } from 'node:crypto';
import type { Profile } from './profile.js';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomToken(length: number, alphabet = ALPHANUMERIC): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export interface PhoneNumber {
  country: string;
  phone_number: string;
}

export interface FreshIdentity {
  /** A client secret within the spec's alphabet `[0-9a-zA-Z.=_-]`. */
  clientSecret: string;
  /** An address at a domain the test servers allow and nobody has bound. */
  email: string;
  /** An address at the profile's denied domain (undefined when it names none). */
  deniedEmail: string | undefined;
  /** A UK mobile number from the range Ofcom keeps for drama (07700 900xxx and around it). */
  msisdn: PhoneNumber;
  /** That number as a homeserver canonicalises it (E.164 digits without `+`). */
  msisdnCanonical: string;
  deniedMsisdn: PhoneNumber | undefined;
  localpart: string;
  password: string;
  /**
   * Where the server proxies email validation to the identity server named in the request:
   * the harness's fake, and an access token it issued (id_access_token goes with id_server
   * since r0.6.0).
   */
  idServer?: { id_server: string; id_access_token: string };
  /**
   * Before r0.6.0 every requestToken body named an identity server (id_server was required),
   * even to a homeserver that validates addresses itself: the harness's fake, where `idServer`
   * is not set.
   */
  requiredIdServer?: { id_server: string };
}

/**
 * Subscriber numbers go up from a start taken from the clock, so that no two identities of one
 * run share a phone number (random draws from a million collide within a run of a few hundred
 * identities about one run in six, and a scenario then meets another's binding or sessions),
 * and neither do runs one after another against the same kept server, whose numbers stay
 * bound: the start moves on 100 numbers a second, faster than a run uses them (a random start
 * met an earlier run's bound numbers on the fourth run of `npm run bench` against one Synapse).
 * The million numbers come round again after 2.8 hours.
 */
const SUBSCRIBERS = 1_000_000;
let nextSubscriber = (Math.floor(Date.now() / 10) + randomInt(0, 10)) % SUBSCRIBERS;

export function freshIdentity(
  profile: Profile,
  idServer?: FreshIdentity['idServer'],
  requiredIdServer?: FreshIdentity['requiredIdServer'],
): FreshIdentity {
  const tag = randomToken(10, 'abcdefghijklmnopqrstuvwxyz0123456789');
  const subscriber = String(nextSubscriber++ % SUBSCRIBERS).padStart(6, '0');
  const denied = profile.msisdn.denied;
  return {
    clientSecret: `m3c.${randomToken(24)}`,
    email: `m3c-${tag}@example.test`,
    deniedEmail: profile.email.denied ? `m3c-${tag}@${profile.email.denied.domain}` : undefined,
    msisdn: { country: 'GB', phone_number: `07700${subscriber}` },
    msisdnCanonical: `447700${subscriber}`,
    // The denied prefix is in international form, so the number is given with its `+`.
    deniedMsisdn: denied ? { country: denied.country, phone_number: `+${denied.prefix}2025550${randomInt(100, 1000)}` } : undefined,
    localpart: `m3c-${tag}`,
    password: randomToken(20),
    ...(idServer && { idServer }),
    ...(!idServer && requiredIdServer && { requiredIdServer }),
  };
}
