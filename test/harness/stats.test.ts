import { expect, test } from 'vitest';
import { mannWhitney, median } from '../../harness/model/stats.js';

test('median of odd and even counts', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
});

test('two clearly separated samples differ significantly', () => {
  const fast = [100, 105, 98, 110, 102, 99, 101, 104, 97, 103];
  const slow = fast.map((v) => v + 400);
  const { p, u } = mannWhitney(fast, slow);
  expect(u).toBe(0);
  expect(p).toBeLessThan(0.001);
});

test('interleaved samples from one distribution do not', () => {
  const a = [100, 140, 120, 160, 110, 150, 130, 170, 105, 145];
  const b = [101, 141, 121, 161, 111, 151, 131, 171, 104, 146];
  expect(mannWhitney(a, b).p).toBeGreaterThan(0.5);
});

test('all values tied gives no difference rather than dividing by zero', () => {
  expect(mannWhitney([5, 5, 5], [5, 5, 5]).p).toBeCloseTo(1, 6);
});

test('matches a hand-worked value (n1 = n2 = 8, U = 9, z = -2.42: p about 0.016)', () => {
  const a = [1, 2, 3, 4, 5, 6, 11, 13];
  const b = [7, 8, 9, 10, 12, 14, 15, 16];
  const { u, p } = mannWhitney(a, b);
  expect(u).toBe(9);
  expect(p).toBeGreaterThan(0.014);
  expect(p).toBeLessThan(0.018);
});
