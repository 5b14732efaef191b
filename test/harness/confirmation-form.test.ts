// The page behind a password-reset link: a form to POST back (Synapse's shape, in our words),
// read into what the harness submits to confirm the reset.
import { describe, expect, test } from 'vitest';
import { confirmationForm } from '../../harness/target/validation.js';

const LINK = 'https://hs.test/_synapse/client/password_reset/email/submit_token?token=t&client_secret=c&sid=s';

describe('confirmationForm', () => {
  test('a POST form without an action posts its hidden fields back to the page itself', () => {
    const page = `<html><body><form method="post">
      <input type="hidden" name="sid" value="s1"/>
      <input type="hidden" name="token" value="a&amp;b"/>
      <input type='hidden' name='client_secret' value='c1'>
      <input type="submit" value="Confirm changing my password" name="go"/>
    </form></body></html>`;
    expect(confirmationForm(page, LINK)).toEqual({ action: LINK, fields: { sid: 's1', token: 'a&b', client_secret: 'c1' } });
  });

  test('a relative action is resolved against the page', () => {
    expect(confirmationForm('<form action="/confirm" METHOD=POST><input name="x" value="1"></form>', LINK)).toEqual({
      action: 'https://hs.test/confirm',
      fields: { x: '1' },
    });
  });

  test('a page without a POST form has none to submit', () => {
    expect(confirmationForm('<p>Your email address has been validated.</p>', LINK)).toBeUndefined();
    expect(confirmationForm('<form method="get"><input name="q"></form>', LINK)).toBeUndefined();
  });
});
