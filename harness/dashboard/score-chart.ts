// A column's score over its runs as a small inline SVG, drawn when the site is built: must
// as a solid line, should as a dashed one (told apart by more than colour), with a text
// alternative for screen readers.
import { h, type Element } from './html.js';
import type { ScorePoint } from './history.js';
import { formatLevelScore, shareOf } from './score.js';

const WIDTH = 240;
const HEIGHT = 60;
const PAD = 4;

function coordinatesOf(points: readonly ScorePoint[], level: 'must' | 'should'): Array<[number, number]> {
  const times = points.map((p) => Date.parse(p.date));
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const x = (t: number) => (last === first ? WIDTH / 2 : PAD + ((t - first) / (last - first)) * (WIDTH - 2 * PAD));
  const y = (share: number) => PAD + (1 - share) * (HEIGHT - 2 * PAD);
  return points.map((p, i) => [x(times[i]!), y(shareOf(p.score[level]))]);
}

// A line through one run draws nothing: the latest point is marked as well.
function line(points: readonly ScorePoint[], level: 'must' | 'should', style: { stroke: string; 'stroke-dasharray'?: string }): Element[] {
  const coordinates = coordinatesOf(points, level);
  const [lastX, lastY] = coordinates.at(-1)!;
  return [
    h('polyline', { points: coordinates.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), fill: 'none', 'stroke-width': 2, ...style }),
    h('circle', { cx: lastX.toFixed(1), cy: lastY.toFixed(1), r: 3, fill: style.stroke }),
  ];
}

export function scoreChart(points: readonly ScorePoint[]): Element {
  const first = points[0]!;
  const last = points.at(-1)!;
  const label = `Score over ${points.length} run${points.length === 1 ? '' : 's'}, ${first.date.slice(0, 10)} to ${last.date.slice(0, 10)}: must ${formatLevelScore(first.score.must)} to ${formatLevelScore(last.score.must)}, should ${formatLevelScore(first.score.should)} to ${formatLevelScore(last.score.should)}`;
  return h(
    'svg',
    { class: 'chart', role: 'img', 'aria-label': label, width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, xmlns: 'http://www.w3.org/2000/svg' },
    h('title', {}, label),
    h('rect', { x: 0.5, y: 0.5, width: WIDTH - 1, height: HEIGHT - 1, fill: '#fafafa', stroke: '#c8c8c8' }),
    line(points, 'should', { stroke: '#1a3a8a', 'stroke-dasharray': '4 3' }),
    line(points, 'must', { stroke: '#0b5a1f' }),
  );
}
