// The page's one stylesheet, inline so that the page needs no other file.
import { STATUS_COLOURS } from './status-look.js';
import type { Status } from '../report/results.js';

const statusRules = (Object.entries(STATUS_COLOURS) as Array<[Status, { text: string; ground: string }]>)
  .map(([status, { text, ground }]) => `.status-${status} { color: ${text}; background: ${ground}; }`)
  .join('\n');

export const STYLESHEET = `
:root { color: #1a1a1a; background: #ffffff; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 1rem; }
a { color: #0645ad; }
:focus-visible { outline: 3px solid #0645ad; outline-offset: 2px; }
table { border-collapse: collapse; }
th, td { border: 1px solid #c8c8c8; padding: 0.25rem 0.4rem; vertical-align: top; text-align: left; }
thead th { position: sticky; top: 0; background: #f4f4f4; z-index: 1; }
.grid th[scope=row] { font-weight: normal; min-width: 22rem; }
.grid .scenario-id { font-family: ui-monospace, monospace; font-size: 0.85em; }
.grid .spec-ref { display: block; color: #4a4a4a; font-size: 0.85em; }
.group-endpoint th { background: #e6e6e6; font-size: 1.05em; }
.group-family th { background: #f4f4f4; font-style: italic; }
.cell summary { cursor: pointer; white-space: nowrap; }
.cell .glyph { font-weight: bold; margin-right: 0.2em; }
.evidence { min-width: 28rem; max-width: 48rem; white-space: normal; color: #1a1a1a; background: #ffffff; padding: 0.4rem; border: 1px solid #999; }
.evidence pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: 0.3rem; max-height: 20rem; overflow: auto; }
.stale { color: #6b3d00; background: #fcebcf; font-weight: bold; padding: 0 0.3em; }
.flag { color: #1a3a8a; background: #dde7fb; font-weight: bold; padding: 0 0.3em; }
.chart { vertical-align: middle; }
.filters, .diff-picker { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; margin: 1rem 0; }
.filters label, .diff-picker label { display: flex; flex-direction: column; font-weight: bold; }
[hidden] { display: none !important; }
${statusRules}
`;
