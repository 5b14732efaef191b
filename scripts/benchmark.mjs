// The speed of the suite against one kept Synapse (npm run bench): --quick and the full
// catalogue one at a time and at the default concurrency, one scenario, the time from the
// CLI starting to its first request, and the harness's overhead (wall time over the sum of
// the server's own response times). Prints a Markdown table for docs/performance.md.
//   npm run bench            (builds first; launches and stops its own Synapse)
import { createServer, request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { withKeptSynapse } from './kept-synapse.mjs';

const { DEFAULT_CONCURRENCY } = await import('../dist/harness/cli/config.js');
const ONE = 'register-email/success';
const ONE_REPEATS = 5;

const seconds = (ms) => (ms / 1000).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const serverMs = (results) => results.scenarios.reduce((sum, s) => sum + (s.serverMs ?? 0), 0);
const ran = (results) => results.scenarios.filter((s) => s.status !== 'skipped').length;

/** A pass-through proxy that notes when the first request reaches it. */
async function firstRequestProxy(target) {
  const upstream = new URL(target);
  let firstAt;
  const proxy = createServer((req, res) => {
    firstAt ??= performance.now();
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${proxy.address().port}`,
    takeFirst: () => {
      const at = firstAt;
      firstAt = undefined;
      return at;
    },
    close: () => new Promise((resolve) => (proxy.closeAllConnections(), proxy.close(resolve))),
  };
}

await withKeptSynapse(async ({ run, server, launchMs }) => {
  const rows = [];
  const measure = async (name, args) => {
    const { wallMs, results } = await run(args);
    rows.push({ name, wallMs, ran: ran(results), serverMs: serverMs(results) });
  };
  await measure('--quick, --concurrency 1', ['--quick', '--concurrency', '1']);
  await measure(`--quick, default (${DEFAULT_CONCURRENCY})`, ['--quick']);
  await measure('full, --concurrency 1', ['--concurrency', '1']);
  await measure(`full, default (${DEFAULT_CONCURRENCY})`, []);

  const proxy = await firstRequestProxy(server.url);
  const one = [];
  try {
    for (let i = 0; i < ONE_REPEATS; i++) {
      const { wallMs, spawnedAt, results } = await run(['--only', ONE], { homeserver: proxy.url });
      one.push({ wallMs, firstMs: proxy.takeFirst() - spawnedAt, serverMs: serverMs(results) });
    }
  } finally {
    await proxy.close();
  }

  console.log(`Synapse ${server.version}, launched in ${seconds(launchMs)} s; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  console.log('| run | scenarios run | wall | server time (sum) | wall / server |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(`| ${row.name} | ${row.ran} | ${seconds(row.wallMs)} s | ${seconds(row.serverMs)} s | ${(row.wallMs / row.serverMs).toFixed(2)} |`);
  }
  const wall = median(one.map((o) => o.wallMs));
  console.log(`| one scenario (${ONE}), median of ${ONE_REPEATS} | 1 | ${(wall / 1000).toFixed(2)} s | ${(median(one.map((o) => o.serverMs)) / 1000).toFixed(2)} s | ${(wall / median(one.map((o) => o.serverMs))).toFixed(2)} |`);
  console.log(`\nFrom the CLI starting to its first request (one scenario, median of ${ONE_REPEATS}): ${Math.round(median(one.map((o) => o.firstMs)))} ms`);
});
