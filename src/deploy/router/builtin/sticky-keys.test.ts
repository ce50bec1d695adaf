import { expect, it } from 'vitest';
import { createStickyKeys } from './sticky-keys.js';

it('forgets the least recently placed key beyond its bound', () => {
  const keys = createStickyKeys(2);
  keys.set('a', 'v1');
  keys.set('b', 'v2');
  keys.set('a', 'v1');
  keys.set('c', 'v1');
  expect(keys.get('b')).toBeUndefined();
  expect(keys.get('a')).toBe('v1');
  expect(keys.get('c')).toBe('v1');
});
