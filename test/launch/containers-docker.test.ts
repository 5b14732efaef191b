// docker:synapse for real, where a Docker engine answers: the container starts and gets
// ready, reaches the harness's mail sink and fake identity service on the host through
// host.testcontainers.internal, mails links that lead back to the published loopback URL,
// and is gone after stop(). Where no engine answers, the test is skipped and says why.
import { afterAll, describe, expect, test } from 'vitest';
import { dockerAvailable, launchContainer, type LaunchedContainer } from '../../harness/launch/containers/run-container.js';
import { synapseContainerSpec } from '../../servers/synapse/container.js';
import { freePort } from '../../harness/launch/child-process.js';
import { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';
import { MailSink } from '../../harness/fakes/mail/mail-sink.js';
import { extractLinks, findValidationLink } from '../../harness/fakes/mail/validation-link.js';

const docker = await dockerAvailable();
const SKIP = docker.available ? '' : ` (skipped: ${docker.reason})`;
if (!docker.available) console.warn(`containers-docker.test.ts: docker:synapse integration test skipped: ${docker.reason}`);

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('docker:synapse', () => {
  let launched: LaunchedContainer | undefined;
  let is: FakeIdentityService | undefined;
  let mail: MailSink | undefined;
  afterAll(async () => {
    await launched?.stop();
    await Promise.all([is?.stop(), mail?.stop()]);
  });

  test(`starts, reaches the harness on the host, and stops${SKIP}`, { timeout: 900_000 }, async (ctx) => {
    if (!docker.available) ctx.skip(docker.reason);

    is = new FakeIdentityService({ port: await freePort() });
    mail = new MailSink({ port: await freePort() });
    await Promise.all([is.start(), mail.start()]);
    launched = await launchContainer('docker:synapse', (ports, secrets) => synapseContainerSpec(ports, secrets), {
      identityPort: is.port,
      smtpPort: mail.port,
      log: (line) => console.log(line),
    });
    expect(launched.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const versions = await fetch(`${launched.url}/_matrix/client/versions`);
    expect(versions.status).toBe(200);
    expect(((await versions.json()) as { versions: string[] }).versions.length).toBeGreaterThan(0);

    // Mail: to the sink on the host, with a link back to the URL the harness uses.
    const email = `container-${Date.now()}@example.test`;
    const byMail = await post(`${launched.url}/_matrix/client/v3/register/email/requestToken`, {
      client_secret: 'containersecret',
      email,
      send_attempt: 1,
    });
    expect(byMail.status, await byMail.clone().text()).toBe(200);
    const received = await mail.waitFor(email, { timeoutMs: 30_000 });
    const link = findValidationLink(extractLinks(received.text, received.html));
    expect(link?.startsWith(`${launched.url}/`), `validation link ${link}`).toBe(true);

    // Text messages: delegated to the fake identity service on the host.
    await post(`${launched.url}/_matrix/client/v3/register/msisdn/requestToken`, {
      client_secret: 'containersecret',
      country: 'GB',
      phone_number: '7700900123',
      send_attempt: 1,
    });
    await is.waitForRequest('/validate/msisdn/requestToken', 30_000);

    const { url } = launched;
    await launched.stop();
    launched = undefined;
    await expect(fetch(`${url}/_matrix/client/versions`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });
});
