// A self-signed TLS certificate for the fake identity service, made in-process.
//
// Dendrite reaches an identity service over HTTPS only, so the fake must serve TLS. Node's
// crypto makes keys and signatures but no X.509 certificates, and the suite ships through npm
// to machines that may lack an `openssl` binary; so the certificate is assembled here in DER by
// hand. It is the same shape `openssl req -x509` would give (subject/authority key ids,
// critical basicConstraints CA:TRUE) plus keyUsage, because OpenSSL 3's strict mode (which
// Python 3.13 enables by default) refuses a CA certificate without keyUsage, and because the
// client trusts this very certificate as its CA.

import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

export interface SelfSignedCertificate {
  /** The certificate, PEM. Clients trust it as their CA. */
  readonly certPem: string;
  /** The P-256 private key, PKCS#8 PEM. */
  readonly keyPem: string;
  readonly notAfter: Date;
}

export interface CertificateOptions {
  /** Names the certificate is valid for; both loopback spellings by default. */
  readonly ipAddresses?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly validityDays?: number;
  readonly now?: Date;
}

const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function createSelfSignedCertificate(options: CertificateOptions = {}): SelfSignedCertificate {
  const ipAddresses = options.ipAddresses ?? ['127.0.0.1'];
  const dnsNames = options.dnsNames ?? ['localhost'];
  const now = options.now ?? new Date();
  // Back-date a little so a client whose clock is slightly behind still accepts it.
  const notBefore = new Date(now.getTime() - HOUR_MS);
  const notAfter = new Date(now.getTime() + (options.validityDays ?? 7) * DAY_MS);

  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(ecPublicPoint(publicKey.export({ format: 'jwk' }))).digest();

  const signatureAlgorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  const name = der.sequence(
    der.set(der.sequence(der.oid(OID.organizationName), der.utf8('matrix-3pid-conformance fake identity service'))),
    der.set(der.sequence(der.oid(OID.commonName), der.utf8(ipAddresses[0] ?? dnsNames[0] ?? 'localhost'))),
  );
  const extensions = [
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyId)),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.tagged(0x80, keyId))),
    extension(OID.basicConstraints, true, der.sequence(der.boolean(true))),
    // digitalSignature (bit 0) for the TLS handshake, keyCertSign (bit 5) because it is its own CA.
    extension(OID.keyUsage, true, der.bitString(Buffer.from([0b1000_0100]), 2)),
    extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth))),
    extension(
      OID.subjectAltName,
      false,
      der.sequence(
        ...ipAddresses.map((ip) => der.tagged(0x87, ipv4Bytes(ip))),
        ...dnsNames.map((dns) => der.tagged(0x82, Buffer.from(dns, 'ascii'))),
      ),
    ),
  ];

  const tbs = der.sequence(
    der.explicit(0, der.integer(Buffer.from([2]))), // X.509 v3
    der.integer(serialNumber()),
    signatureAlgorithm,
    name,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name,
    spki,
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value, as X.509 wants
  const certificate = der.sequence(tbs, signatureAlgorithm, der.bitString(signature));

  const certPem = toPem('CERTIFICATE', certificate);
  // Parse it back once: a malformed encoding should fail here, not in a TLS handshake.
  new X509Certificate(certPem);
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    notAfter,
  };
}

let shared: SelfSignedCertificate | undefined;

/**
 * One certificate per process, so that several fake identity services (and the homeserver
 * configs pointing at them) can share one trust anchor; remade when it is about to expire.
 */
export function sharedSelfSignedCertificate(): SelfSignedCertificate {
  if (shared === undefined || shared.notAfter.getTime() - Date.now() < DAY_MS) {
    shared = createSelfSignedCertificate();
  }
  return shared;
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function ecPublicPoint(jwk: { x?: string; y?: string }): Buffer {
  if (jwk.x === undefined || jwk.y === undefined) throw new Error('EC public key without coordinates');
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
}

function ipv4Bytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return Buffer.from(parts);
}

function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and non-zero, as RFC 5280 requires
  return serial;
}

function toPem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The few DER encoders a certificate needs. */
const der = {
  tagged(tag: number, ...contents: Buffer[]): Buffer {
    const body = Buffer.concat(contents);
    return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
  },
  sequence: (...items: Buffer[]) => der.tagged(0x30, ...items),
  set: (...items: Buffer[]) => der.tagged(0x31, ...items),
  explicit: (tagNumber: number, inner: Buffer) => der.tagged(0xa0 + tagNumber, inner),
  boolean: (value: boolean) => der.tagged(0x01, Buffer.from([value ? 0xff : 0x00])),
  octetString: (bytes: Buffer) => der.tagged(0x04, bytes),
  utf8: (text: string) => der.tagged(0x0c, Buffer.from(text, 'utf8')),
  bitString: (bytes: Buffer, unusedBits = 0) => der.tagged(0x03, Buffer.from([unusedBits]), bytes),
  integer(unsignedBigEndian: Buffer): Buffer {
    let start = 0;
    while (start < unsignedBigEndian.length - 1 && unsignedBigEndian[start] === 0) start++;
    const trimmed = unsignedBigEndian.subarray(start);
    // A leading 1 bit would read as negative: pad with a zero byte.
    const padded = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
    return der.tagged(0x02, padded);
  },
  oid(dotted: string): Buffer {
    const arcs = dotted.split('.').map(Number);
    const [first = 0, second = 0, ...rest] = arcs;
    const bytes = [40 * first + second];
    for (const arc of rest) {
      const base128 = [arc & 0x7f];
      for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
        base128.unshift((value & 0x7f) | 0x80);
      }
      bytes.push(...base128);
    }
    return der.tagged(0x06, Buffer.from(bytes));
  },
  /** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 section 4.1.2.5 prescribes. */
  time(date: Date): Buffer {
    const iso = date.toISOString(); // 2026-11-28T09:20:00.000Z
    const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // 20261128092000Z
    return date.getUTCFullYear() < 2050
      ? der.tagged(0x17, Buffer.from(digits.slice(2), 'ascii'))
      : der.tagged(0x18, Buffer.from(digits, 'ascii'));
  },
};

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let value = length; value > 0; value = Math.floor(value / 256)) bytes.unshift(value & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
