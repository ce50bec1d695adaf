import { expect, it } from 'vitest';
import { parseExposition, sampleValue } from './parse-exposition.js';

it('reads samples with and without labels, escaped label values and special values', () => {
  const samples = parseExposition(
    [
      '# HELP a_total Things.',
      '# TYPE a_total counter',
      'a_total{status="succeeded",why="say \\"hi\\""} 2',
      'b 1.5e-3',
      'c_bucket{le="+Inf"} +Inf',
      'd Nan',
      '',
    ].join('\n'),
  );
  expect(samples).toEqual([
    { name: 'a_total', labels: { status: 'succeeded', why: 'say "hi"' }, value: 2 },
    { name: 'b', labels: {}, value: 0.0015 },
    { name: 'c_bucket', labels: { le: '+Inf' }, value: Infinity },
    { name: 'd', labels: {}, value: Number.NaN },
  ]);
  expect(sampleValue(samples, 'a_total', { status: 'succeeded' })).toBe(2);
  expect(sampleValue(samples, 'a_total', { status: 'failed' })).toBeUndefined();
});

it('throws on a line that is neither a comment nor a sample', () => {
  expect(() => parseExposition('a_total 2\nnot a sample line\n')).toThrow(/line 2/);
  expect(() => parseExposition('a{status=succeeded} 1')).toThrow(/line 1/);
});
