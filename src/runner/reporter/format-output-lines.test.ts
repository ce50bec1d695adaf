import { describe, expect, it } from 'vitest';
import { formatOutputLines } from './format-output-lines.js';

describe('formatOutputLines', () => {
  it('prefixes every line with [job/step]', () => {
    expect(formatOutputLines('build', 'compile', 'one\ntwo\n', { color: false })).toBe(
      '[build/compile] one\n[build/compile] two\n',
    );
    expect(formatOutputLines('build', undefined, 'started', { color: false })).toBe('[build] started\n');
  });

  it('colours only the prefix, the same way for the same job', () => {
    const line = formatOutputLines('build', 'compile', 'plain text\n', { color: true });
    expect(line).toMatch(/^\u001b\[\d+m\[build\/compile\]\u001b\[39m plain text\n$/);
    expect(formatOutputLines('build', 'other', 'x\n', { color: true }).slice(0, 5)).toBe(line.slice(0, 5));
  });
});
