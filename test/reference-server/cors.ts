// The CORS headers the reference homeserver puts on its answers, and the faults that leave
// some of them out.
import type { Fault } from './faults.js';

/** "The recommended CORS headers to be returned by servers on all requests" (Web Browser Clients). */
const RECOMMENDED = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
};

export function corsHeaders(status: number, has: (fault: Fault) => boolean): Record<string, string> {
  if (has('no-cors') || (has('cors-not-on-errors') && status >= 400)) return {};
  if (has('cors-partial')) return { 'access-control-allow-origin': RECOMMENDED['access-control-allow-origin'] };
  return RECOMMENDED;
}
