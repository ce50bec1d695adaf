import { expect, it } from 'vitest';
import { sleep } from './sleep.js';

it('resolves true after the wait, false at once when aborted before or during it', async () => {
  expect(await sleep(5)).toBe(true);
  const aborted = new AbortController();
  aborted.abort();
  expect(await sleep(10_000, aborted.signal)).toBe(false);
  const later = new AbortController();
  const started = Date.now();
  setTimeout(() => later.abort(), 20);
  expect(await sleep(10_000, later.signal)).toBe(false);
  expect(Date.now() - started).toBeLessThan(5_000);
});
