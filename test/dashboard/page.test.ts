// The page as HTML, without a browser: a server's answer shown as evidence stays text, the
// grid and its statuses are in the markup itself, and nothing on the page is fetched.
import { describe, expect, test } from 'vitest';
import { dashboardData } from '../../harness/dashboard/dashboard-data.js';
import { h, renderFragment } from '../../harness/dashboard/html.js';
import { dashboardPage } from '../../harness/dashboard/page.js';
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
