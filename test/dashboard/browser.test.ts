// The built site in a real Chromium, opened from file:// as a reader would: the grid shows
// the data, a filter changes the rows and the URL, a permalink restores a view, a cell's
// evidence opens from the keyboard, the diff puts the regression first, another pair of runs
// re-renders it and goes into the URL, and the page asks the network for nothing and logs no
// error. Screenshots of each view go to .work/.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSite } from '../../harness/dashboard/build-site.js';
import { packagePath } from '../../harness/tool/package-root.js';
import { results } from './fixture-runs.js';

// What the page's own code touches: the DOM's types are not in this project's lib.
interface Shown {
  hidden: boolean;
}
interface InPage {
  tagName: string;
  closest(selector: string): { open: boolean; querySelector(selector: string): { textContent: string } } | null;
}
declare const document: { activeElement: InPage | null };

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const SCREENSHOTS = packagePath('.work', 'dashboard-screenshots');

const NIGHTS = ['2026-11-01T02:00:00.000Z', '2026-11-02T02:00:00.000Z', '2026-11-03T02:00:00.000Z'];

/**
 * Three servers over three nights; synapse gains a scenario on the second and regresses on the
 * last, dendrite's expectations go out of date on the last, conduit targets spec v1.2.
 */
function fixtureFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'm3c-dashboard-browser-in-'));
  NIGHTS.forEach((date, night) => {
    const last = night === NIGHTS.length - 1;
    const runs = [
      results({ server: 'synapse', version: '1.163.2', date, statuses: { 'register-email/success': last ? 'failed' : 'passed', 'register-email/denied': 'passed', ...(night > 0 && { '3pid-email/bound': { status: 'passed', level: 'should' } }) } }),
      results({ server: 'dendrite', version: '0.13.8', date, statuses: { 'register-email/success': 'passed', 'register-email/denied': last ? 'unexpected-pass' : 'expected-failure', '3pid-email/bound': { status: 'skipped', level: 'should' } } }),
      results({ server: 'conduit', version: '0.9.0', spec: 'v1.2', date, statuses: { 'register-email/success': 'passed', 'register-email/denied': 'failed', '3pid-email/bound': { status: 'failed', level: 'should' } } }),
    ];
    mkdirSync(join(dir, `night-${night + 1}`));
    for (const run of runs) writeFileSync(join(dir, `night-${night + 1}`, `${run.target.server.name}.json`), JSON.stringify(run));
  });
  writeFileSync(join(dir, 'malformed.json'), '{"tool": ');
  return dir;
}

describe.skipIf(!present)(`the site in Chromium${present ? '' : ` (skipped: ${CHROMIUM} is absent; install Debian's chromium package)`}`, () => {
  let browser: Browser;
  let page: Page;
  let site: string;
  const requested: string[] = [];
  let pageLoads = 0;
  let realSite = '';
  const errors: string[] = [];

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'm3c-dashboard-browser-out-'));
    const built = buildSite(fixtureFolder(), out);
    expect(built.rejected.map((r) => r.file)).toEqual(['malformed.json']);
    site = pathToFileURL(join(out, 'index.html')).href;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Chromium can take a while to start while the rest of the suite keeps both cores busy.
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--headless'], timeout: 150_000 });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      // The page itself is the one thing allowed; anything else is a request leaving it.
      if ([site, realSite].includes(request.url().split('#')[0]!)) {
        pageLoads++;
        void request.continue();
      }
      else {
        requested.push(request.url());
        void request.abort();
      }
    });
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(String(error)));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  const visibleRows = () => page.$$eval('tr[data-scenario]', (rows) => rows.filter((row) => !(row as unknown as Shown).hidden).map((row) => row.getAttribute('data-scenario')));
  const cellStatus = (id: string, column: string) => page.$eval(`tr[data-scenario="${id}"] td[data-column="${column}"]`, (cell) => cell.getAttribute('data-status'));

  test('the grid shows each column\'s latest night', async () => {
    await page.goto(site);
    expect(await visibleRows()).toEqual(['register-email/success', 'register-email/denied', '3pid-email/bound']);
    expect(await cellStatus('register-email/success', 'synapse-1.163.2')).toBe('failed');
    expect(await cellStatus('register-email/denied', 'dendrite-0.13.8')).toBe('unexpected-pass');
    expect(await cellStatus('3pid-email/bound', 'conduit-0.9.0')).toBe('failed');
    expect(await page.$eval('th[data-column="synapse-1.163.2"]', (th) => th.textContent)).toContain('must 1/2');
    await page.screenshot({ path: join(SCREENSHOTS, 'grid.png'), fullPage: true });
  });

  test('a filter changes the visible rows and the URL', async () => {
    await page.goto(site);
    await page.select('#filter-level', 'should');
    expect(await visibleRows()).toEqual(['3pid-email/bound']);
    expect(new URL(page.url()).hash).toBe('#level=should');
    await page.select('#filter-level', '');
    await page.select('#filter-status', 'failed');
    expect(await visibleRows()).toEqual(['register-email/success', 'register-email/denied', '3pid-email/bound']);
    await page.select('#filter-server', 'synapse-1.163.2');
    expect(await visibleRows()).toEqual(['register-email/success']);
    expect(new URL(page.url()).hash).toBe('#server=synapse-1.163.2&status=failed');
    await page.screenshot({ path: join(SCREENSHOTS, 'filtered.png'), fullPage: true });
  });

  const shownColumns = () => page.$$eval('thead th[data-column]', (ths) => ths.filter((th) => !(th as unknown as Shown).hidden).map((th) => th.getAttribute('data-column')));
  const shownDiffs = () => page.$$eval('section.column-diff', (sections) => sections.filter((s) => !(s as unknown as Shown).hidden).map((s) => s.getAttribute('data-column')));

  test('the server-version and spec-version filters hide the other columns, and the rows left without a match', async () => {
    await page.goto(site);
    await page.select('#filter-version', '1.163.2');
    expect(await shownColumns()).toEqual(['synapse-1.163.2']);
    expect(await shownDiffs()).toEqual(['synapse-1.163.2']);
    await page.select('#filter-status', 'passed');
    expect(await visibleRows()).toEqual(['register-email/denied', '3pid-email/bound']);
    expect(new URL(page.url()).hash).toBe('#version=1.163.2&status=passed');
    await page.select('#filter-version', '');
    await page.select('#filter-spec', 'v1.2');
    expect(await shownColumns()).toEqual(['conduit-0.9.0']);
    expect(await visibleRows()).toEqual(['register-email/success']);
    expect(new URL(page.url()).hash).toBe('#spec=v1.2&status=passed');
    await page.goto('about:blank');
    await page.goto(`${site}#spec=v1.15&status=failed`);
    expect(await shownColumns()).toEqual(['dendrite-0.13.8', 'synapse-1.163.2']);
    expect(await visibleRows()).toEqual(['register-email/success']);
  });

  test('a permalink restores the view', async () => {
    await page.goto('about:blank');
    await page.goto(`${site}#server=dendrite-0.13.8&status=unexpected-pass`);
    expect(await visibleRows()).toEqual(['register-email/denied']);
    expect(await page.$eval('#filter-server', (s) => (s as unknown as { value: string }).value)).toBe('dendrite-0.13.8');
    expect(await page.$eval('#filter-status', (s) => (s as unknown as { value: string }).value)).toBe('unexpected-pass');
    const shownColumns = await page.$$eval('thead th[data-column]', (ths) => ths.filter((th) => !(th as unknown as Shown).hidden).map((th) => th.getAttribute('data-column')));
    expect(shownColumns).toEqual(['dendrite-0.13.8']);
    await page.screenshot({ path: join(SCREENSHOTS, 'permalink.png'), fullPage: true });
  });

  test('a cell\'s evidence opens from the keyboard', async () => {
    await page.goto(site);
    const inGrid = () => page.evaluate(() => document.activeElement?.tagName === 'SUMMARY' && document.activeElement.closest('#grid') !== null);
    let presses = 0;
    while (!(await inGrid()) && presses++ < 40) await page.keyboard.press('Tab');
    expect(await inGrid()).toBe(true);
    await page.keyboard.press('Enter');
    const opened = await page.evaluate(() => {
      const details = document.activeElement!.closest('details')!;
      return { open: details.open, text: details.querySelector('.evidence')!.textContent };
    });
    expect(opened.open).toBe(true);
    expect(opened.text).toContain('Spec');
    expect(opened.text).toContain('History in this column');
    await page.screenshot({ path: join(SCREENSHOTS, 'evidence.png'), fullPage: true });
  });

  test('the diff lists the regression first and flags the unexpected pass', async () => {
    await page.goto(site);
    const synapse = await page.$eval('section.column-diff[data-column="synapse-1.163.2"]', (s) => [...s.querySelectorAll('h4')].map((h4) => h4.textContent));
    expect(synapse[0]).toBe('Regressions (1)');
    expect(await page.$eval('section.column-diff[data-column="synapse-1.163.2"] ul.diff-regressions', (ul) => ul.textContent)).toBe('register-email/success (must): passed → failed');
    expect(await page.$eval('section.column-diff[data-column="dendrite-0.13.8"] .flag', (p) => p.textContent)).toMatch(/unexpected pass.*expectations file is out of date.*register-email\/denied/);
    const diff = await page.$('#diff');
    await diff!.screenshot({ path: join(SCREENSHOTS, 'diff.png') });
    const history = await page.$('#history');
    await history!.screenshot({ path: join(SCREENSHOTS, 'history.png') });
  });

  test('picking two other runs re-renders the diff and goes into the URL; a permalink restores it', async () => {
    const synapse = 'form[data-diff-column="synapse-1.163.2"]';
    const pick = (column: string, end: string) => page.$eval(`form[data-diff-column="${column}"] select[name=${end}]`, (s) => (s as unknown as { value: string }).value);
    const headings = (column: string) => page.$eval(`section.column-diff[data-column="${column}"] .diff-body`, (body) => [...body.querySelectorAll('h4')].map((h4) => h4.textContent));
    const list = (key: string) => page.$eval(`section.column-diff[data-column="synapse-1.163.2"] ul.diff-${key}`, (ul) => ul.textContent);
    const diffParam = () => new URLSearchParams(new URL(page.url()).hash.slice(1)).get('diff-synapse-1.163.2');
    await page.goto(site);
    expect(await page.$eval(synapse, (form) => (form as unknown as Shown).hidden)).toBe(false);
    expect([await pick('synapse-1.163.2', 'from'), await pick('synapse-1.163.2', 'to')]).toEqual([NIGHTS[1], NIGHTS[2]]);
    await page.select(`${synapse} select[name=from]`, NIGHTS[0]!);
    expect(await headings('synapse-1.163.2')).toEqual(['Regressions (1)', 'New scenarios (1)']);
    expect(diffParam()).toBe(`${NIGHTS[0]}..${NIGHTS[2]}`);
    await page.select(`${synapse} select[name=to]`, NIGHTS[1]!);
    expect(await headings('synapse-1.163.2')).toEqual(['New scenarios (1)']);
    expect(await list('added')).toBe('3pid-email/bound (should): absent → passed');
    expect(diffParam()).toBe(`${NIGHTS[0]}..${NIGHTS[1]}`);
    // A filter chosen after keeps the pair; the other columns keep their default diff.
    await page.select('#filter-level', 'must');
    expect(diffParam()).toBe(`${NIGHTS[0]}..${NIGHTS[1]}`);
    const permalink = page.url();
    expect(await page.$eval('section.column-diff[data-column="dendrite-0.13.8"] .flag', (p) => p.textContent)).toContain('unexpected pass');
    await page.screenshot({ path: join(SCREENSHOTS, 'diff-picked.png'), fullPage: true });

    await page.goto('about:blank');
    await page.goto(permalink);
    expect([await pick('synapse-1.163.2', 'from'), await pick('synapse-1.163.2', 'to')]).toEqual([NIGHTS[0], NIGHTS[1]]);
    expect(await headings('synapse-1.163.2')).toEqual(['New scenarios (1)']);
    expect(await visibleRows()).toEqual(['register-email/success', 'register-email/denied']);

    // Dendrite's first two nights are alike: no change, and its flag goes with the last night.
    await page.select('form[data-diff-column="dendrite-0.13.8"] select[name=from]', NIGHTS[0]!);
    expect(await page.$eval('section.column-diff[data-column="dendrite-0.13.8"] .flag', (p) => p.textContent)).toContain('unexpected pass');
    await page.select('form[data-diff-column="dendrite-0.13.8"] select[name=to]', NIGHTS[1]!);
    expect(await page.$eval('section.column-diff[data-column="dendrite-0.13.8"] .diff-body', (body) => body.textContent)).toBe(`No change from ${NIGHTS[0]} to ${NIGHTS[1]}.`);

    // Back to the default pair: the URL no longer names it.
    await page.select(`${synapse} select[name=from]`, NIGHTS[1]!);
    await page.select(`${synapse} select[name=to]`, NIGHTS[2]!);
    expect(diffParam()).toBeNull();
    expect(await headings('synapse-1.163.2')).toEqual(['Regressions (1)']);
  });

  test('the site of the real launched runs in docs/results/ renders every scenario of every run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'm3c-dashboard-browser-real-'));
    const built = buildSite(packagePath('docs', 'results'), out);
    expect(built.rejected).toEqual([]);
    const real = pathToFileURL(join(out, 'index.html')).href;
    realSite = real;
    await page.goto(real);
    const columns = await page.$$eval('thead th[data-column]', (ths) => ths.map((th) => th.getAttribute('data-column')));
    expect(columns).toEqual(['dendrite-0.13.8', 'palpo-0.0.2', 'synapse-1.117.0', 'synapse-1.141.0', 'synapse-1.163.2', 'synapse-1.163.2-synapse-privacy', 'synapse-1.163.2-synapse-ratelimited']);
    // One row for every scenario id any snapshot has.
    const ids = new Set(readdirSync(packagePath('docs', 'results')).filter((name) => name.endsWith('.json')).flatMap((name) => (JSON.parse(readFileSync(packagePath('docs', 'results', name), 'utf8')) as { scenarios: Array<{ id: string }> }).scenarios.map((s) => s.id)));
    expect(await visibleRows()).toHaveLength(ids.size);
    expect(await cellStatus('register-email/success', 'synapse-1.163.2')).toBe('passed');
    await page.screenshot({ path: join(SCREENSHOTS, 'real-runs.png') });
    await page.select('#filter-version', '1.163.2');
    expect(await shownColumns()).toEqual(['synapse-1.163.2', 'synapse-1.163.2-synapse-privacy', 'synapse-1.163.2-synapse-ratelimited']);
    await page.select('#filter-version', '');
    await page.select('#filter-spec', 'v1.2');
    expect(await shownColumns()).toEqual(['dendrite-0.13.8']);
  });

  test('nothing was requested from the network and nothing logged an error', () => {
    // The handler did see the page's own loads: it was listening.
    expect(pageLoads).toBeGreaterThanOrEqual(6);
    expect(requested).toEqual([]);
    expect(errors).toEqual([]);
  });
});
