// How each verdict looks on the page: a glyph and a word as well as a colour, so that no
// status is told by colour alone; the colours are dark text on light ground (contrast above
// 7:1).
import type { Status } from '../report/results.js';

export interface Look {
  glyph: string;
  label: string;
}

export const STATUS_LOOK = {
  passed: { glyph: '✓', label: 'passed' },
  failed: { glyph: '✗', label: 'failed' },
  'expected-failure': { glyph: '⚠', label: 'known failure' },
  'unexpected-pass': { glyph: '★', label: 'unexpected pass' },
  skipped: { glyph: '–', label: 'skipped' },
} as const satisfies Record<Status, Look>;

/** A scenario the column's latest run did not have. */
export const ABSENT_LOOK: Look = { glyph: '·', label: 'not run' };

export const STATUS_COLOURS = {
  passed: { text: '#0b5a1f', ground: '#d9f2df' },
  failed: { text: '#8b0f0f', ground: '#fadcdc' },
  'expected-failure': { text: '#6b3d00', ground: '#fcebcf' },
  'unexpected-pass': { text: '#1a3a8a', ground: '#dde7fb' },
  skipped: { text: '#3d3d3d', ground: '#ececec' },
} as const satisfies Record<Status, { text: string; ground: string }>;
