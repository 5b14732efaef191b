// The page as HTML, without a browser: a server's answer shown as evidence stays text, the
// grid and its statuses are in the markup itself, and nothing on the page is fetched.
import { describe, expect, test } from 'vitest';
import { dashboardData } from '../../harness/dashboard/dashboard-data.js';
import { h, renderFragment } from '../../harness/dashboard/html.js';
import { dashboardPage } from '../../harness/dashboard/page.js';
import { scoreChart } from '../../harness/dashboard/score-chart.js';
import { STATUS_COLOURS } from '../../harness/dashboard/status-look.js';
import { NASTY_BODY, sampleResults } from '../report/sample-results.js';

describe('the element tree', () => {
  test('text and attribute values are escaped; control characters shown as code points', () => {
    expect(renderFragment(h('p', { title: '"x" & <y>' }, '<b>&amp;</b>\u0007'))).toBe('<p title="&quot;x&quot; &amp; &lt;y&gt;">&lt;b&gt;&amp;amp;&lt;/b&gt;\\u0007</p>');
  });

  test('false and undefined attributes are left out, true ones written bare', () => {
    expect(renderFragment(h('form', { hidden: true, id: undefined, open: false }))).toBe('<form hidden></form>');
  });
});

describe('the page', () => {
  const page = dashboardPage(dashboardData([{ file: 'sample.json', results: sampleResults() }]));

  test('a hostile response body is shown as text, not markup', () => {
    expect(NASTY_BODY).toContain('<html>');
    expect(page).not.toContain('<html><body>Error');
    expect(page).toContain('&lt;html&gt;&lt;body&gt;Error &amp; "oops"');
  });

  test('each status is in the markup with its glyph and word, and an accessible label', () => {
    expect(page).toMatch(/<td class="cell status-failed"[^>]*><details><summary aria-label="register-email\/denied on synapse@1\.163\.2: failed; open the evidence"><span class="glyph" aria-hidden="true">✗<\/span>failed<\/summary>/);
    expect(page).toContain('aria-hidden="true">⚠</span>known failure</summary>');
    expect(page).toContain('aria-hidden="true">★</span>unexpected pass</summary>');
  });

  test('the failed cell carries its curl line', () => {
    expect(page).toContain('<pre><code>curl -sS -i -g -X POST ');
  });

  test('nothing is loaded from elsewhere, and the policy forbids it', () => {
    expect(page).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/);
    expect(page).toContain(`content="default-src 'none'`);
  });
});

describe('contrast', () => {
  // WCAG 2's relative luminance and contrast ratio.
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const ratio = (a: string, b: string) => {
    const [light, dark] = [luminance(a), luminance(b)].toSorted((x, y) => y - x);
    return (light! + 0.05) / (dark! + 0.05);
  };

  test.each(Object.entries(STATUS_COLOURS))('%s: text on its ground at 7:1 or more (WCAG AAA)', (_, { text, ground }) => {
    expect(ratio(text, ground)).toBeGreaterThanOrEqual(7);
  });

  test('the ratio itself tells a poor pair from a good one', () => {
    expect(ratio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(ratio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});

describe('the score line', () => {
  test('one run is still drawn: its point is marked', () => {
    const [view] = dashboardData([{ file: 'sample.json', results: sampleResults() }]).columns;
    const svg = renderFragment(scoreChart(view!.history));
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toMatch(/aria-label="Score over 1 run, 2026-05-01 to 2026-05-01: must 1\/3 to 1\/3, should 1\/1 to 1\/1"/);
  });
});
