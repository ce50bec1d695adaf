import { describe, expect, it } from 'vitest';
import { keepsArtifacts } from './keeps-artifacts.js';
import { parsePipeline } from './parse-pipeline.js';

describe('keepsArtifacts', () => {
  it.each([
    [undefined, true, true],
    [undefined, false, false],
    ['on_success', true, true],
    ['on_success', false, false],
    ['on_failure', true, false],
    ['on_failure', false, true],
    ['always', true, true],
    ['always', false, true],
  ] as const)('when %s, succeeded %s: %s', (when, succeeded, kept) => {
    expect(keepsArtifacts({ paths: ['report.json'], ...(when ? { when } : {}) }, succeeded)).toBe(kept);
  });

  it('reads artifacts:when from the pipeline file and refuses an unknown value at its position', () => {
    const file = (when: string) => `name: p\nstages:\n  - name: t\n    artifacts: { paths: [r.json], when: ${when} }\n    steps: [{ run: "true" }]\n`;
    const ok = parsePipeline(file('always'), 'p.yml');
    expect(ok.ok && ok.pipeline.stages[0]?.artifacts).toEqual({ paths: ['r.json'], when: 'always' });
    const bad = parsePipeline(file('sometimes'), 'p.yml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics[0]).toMatchObject({ line: 4, col: 41, message: "'when' must be one of on_success, on_failure, always, got 'sometimes'" });
  });
});
