import { expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error.js';
import { DEFAULT_DURATION_MS, parseLoadTestOptions } from './load-test-options.js';

function problemsOf(input: unknown): string[] {
  try {
    parseLoadTestOptions(input);
  } catch (error) {
    if (isAppError(error)) {
      expect(error.code).toBe('invalid_argument');
      expect(error.cause).toBeDefined();
      return error.details['problems'] as string[];
    }
    throw error;
  }
  throw new Error('expected the options to be rejected');
}

it('fills every default, bounding the test by a duration when no request count is given', () => {
  expect(parseLoadTestOptions({ url: 'http://127.0.0.1:8080/' })).toEqual({
    url: 'http://127.0.0.1:8080/',
    method: 'GET',
    headers: {},
    concurrency: 10,
    durationMs: DEFAULT_DURATION_MS,
    warmupMs: 0,
    seed: 1,
    timeoutMs: 5000,
    okStatusMin: 200,
    okStatusMax: 399,
    thresholds: [],
  });
});

it('runs by count alone when only requests is given, and by whichever comes first when both are', () => {
  expect(parseLoadTestOptions({ url: 'http://127.0.0.1/', requests: 5 }).durationMs).toBeUndefined();
  expect(parseLoadTestOptions({ url: 'http://127.0.0.1/', requests: 5, durationMs: 100 })).toMatchObject({ requests: 5, durationMs: 100 });
});

it('accepts thresholds as text, as objects and as the shorthand object', () => {
  const text = parseLoadTestOptions({ url: 'http://127.0.0.1/', thresholds: ['p99<200ms', { metric: 'rps', op: '>=', value: 5 }] });
  expect(text.thresholds).toEqual([
    { metric: 'p99Ms', op: '<', value: 200 },
    { metric: 'rps', op: '>=', value: 5 },
  ]);
  const shorthand = parseLoadTestOptions({ url: 'http://127.0.0.1/', thresholds: { p99Ms: 200, successRate: 0.995, minRps: 50 } });
  expect(shorthand.thresholds).toEqual([
    { metric: 'p99Ms', op: '<=', value: 200 },
    { metric: 'successRate', op: '>=', value: 0.995 },
    { metric: 'rps', op: '>=', value: 50 },
  ]);
});

it('lists every problem at once, each with the option it is about', () => {
  expect(
    problemsOf({
      url: 'https://example.com',
      concurrency: 0,
      rate: -1,
      timeoutMs: 0,
      paths: ['a'],
      thresholds: ['p99<<1'],
    }),
  ).toEqual([
    'url: must be an http:// URL, e.g. http://127.0.0.1:8080/health',
    'concurrency: must be ≥ 1',
    'rate: must be > 0 requests per second',
    "paths.0: each path must start with '/'",
    'timeoutMs: must be > 0 ms',
    "thresholds.0: threshold 'p99<<1': expected <metric><op><value>, e.g. p99<200ms or success>=99.5%",
  ]);
});

it('rejects unknown options, an inverted status range and a missing url', () => {
  expect(problemsOf({ url: 'http://127.0.0.1/', concurency: 5 }).join('\n')).toContain('concurency');
  expect(problemsOf({ url: 'http://127.0.0.1/', okStatusMin: 400, okStatusMax: 200 })).toEqual(['okStatusMin: okStatusMin must be ≤ okStatusMax']);
  expect(problemsOf({})[0]).toMatch(/^url: /);
});

it('says which threshold item or shorthand key is wrong', () => {
  expect(problemsOf({ url: 'http://127.0.0.1/', thresholds: ['p99<1s', { metric: 'p98Ms', op: '<', value: 1 }] })[0]).toMatch(/^thresholds\.1\.metric: /);
  expect(problemsOf({ url: 'http://127.0.0.1/', thresholds: { p99Ms: -5 } })[0]).toMatch(/^thresholds\.p99Ms: /);
  expect(problemsOf({ url: 'http://127.0.0.1/', thresholds: { successRate: 99.5 } })).toEqual(['thresholds.successRate: successRate is a fraction 0..1, e.g. 0.995']);
  expect(problemsOf({ url: 'http://127.0.0.1/', thresholds: { p99: 5 } })[0]).toMatch(/^thresholds: .*p99/);
});

it('puts the problems in the error message, one per line', () => {
  expect(() => parseLoadTestOptions({ url: 'ftp://x', concurrency: 1.5 })).toThrow(
    /^invalid load test options:\n {2}url: must be an http:\/\/ URL.*\n {2}concurrency: /,
  );
});
