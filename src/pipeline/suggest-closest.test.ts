import { expect, test } from 'vitest';
import { measureEditDistance, suggestClosest } from './suggest-closest.js';

test('edit distance counts an adjacent swap as one edit', () => {
  expect(measureEditDistance('needs', 'needs')).toBe(0);
  expect(measureEditDistance('need', 'needs')).toBe(1);
  expect(measureEditDistance('nedes', 'needs')).toBe(1);
  expect(measureEditDistance('kitten', 'sitting')).toBe(3);
});

test.each([
  ['need', 'needs'],
  ['enviroment', 'environment'],
  ['runs_on', 'runs-on'],
  ['Steps', 'steps'],
  ['timout', 'timeout'],
])('%s suggests %s', (typo, key) => {
  expect(suggestClosest(typo, ['name', 'needs', 'environment', 'runs-on', 'steps', 'timeout'])).toBe(key);
});

test('nothing is suggested when nothing is close', () => {
  expect(suggestClosest('x', ['if', 'env'])).toBeUndefined();
  expect(suggestClosest('dependencies', ['needs', 'name'])).toBeUndefined();
  expect(suggestClosest('a'.repeat(100_000), ['name'])).toBeUndefined();
});
