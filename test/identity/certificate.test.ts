// The hand-built certificate, checked by Node's X.509 parser and, where the machine has it,
// by the openssl CLI in strict mode (an independent implementation, and Python's default).

import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, sharedSelfSignedCertificate } from '../../harness/fakes/identity/certificate.js';

const run = promisify(execFile);
const hasOpenssl = await run('openssl', ['version']).then(
  () => true,
  () => false,
);

describe('createSelfSignedCertificate', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const pair = createSelfSignedCertificate({ now, validityDays: 2 });
  const certificate = new X509Certificate(pair.certPem);

  it('is self-signed, a CA, and signed by its own key', () => {
    expect(certificate.subject).toBe(certificate.issuer);
    expect(certificate.subject).toContain('CN=127.0.0.1');
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(pair.keyPem))).toBe(true);
  });

  it('names 127.0.0.1 and localhost and nothing else', () => {
    expect(certificate.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(certificate.checkIP('127.0.0.2')).toBeUndefined();
    expect(certificate.checkHost('example.org')).toBeUndefined();
  });

  it('is valid from shortly before now for the given days', () => {
    expect(new Date(certificate.validFrom).getTime()).toBe(now.getTime() - 3_600_000);
    expect(new Date(certificate.validTo).getTime()).toBe(now.getTime() + 2 * 86_400_000);
    expect(pair.notAfter.getTime()).toBe(now.getTime() + 2 * 86_400_000);
  });

  it('encodes dates after 2049 as GeneralizedTime', () => {
    const late = new X509Certificate(createSelfSignedCertificate({ now: new Date('2049-12-31T00:00:00Z'), validityDays: 7 }).certPem);
    expect(new Date(late.validTo).getUTCFullYear()).toBe(2050);
  });

  it('gets a fresh key and serial each time, but one shared pair per process', () => {
    const other = createSelfSignedCertificate();
    expect(other.keyPem).not.toBe(pair.keyPem);
    expect(new X509Certificate(other.certPem).serialNumber).not.toBe(certificate.serialNumber);
    expect(sharedSelfSignedCertificate()).toBe(sharedSelfSignedCertificate());
  });

  it.skipIf(!hasOpenssl)('passes `openssl verify -x509_strict` as a TLS server certificate for 127.0.0.1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fake-is-cert-'));
    try {
      const file = join(dir, 'cert.pem');
      await writeFile(file, createSelfSignedCertificate().certPem);
      const { stdout } = await run('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_ip', '127.0.0.1', '-CAfile', file, file]);
      expect(stdout.trim()).toBe(`${file}: OK`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
