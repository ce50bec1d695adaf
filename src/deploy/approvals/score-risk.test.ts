import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RiskInputs, scoreRisk } from './score-risk.js';

const small: RiskInputs = { linesChanged: 10, filesChanged: 1, paths: ['src/app.ts'], recentFailureRate: 0, stagingVerified: true };

describe('scoreRisk', () => {
  it('scores a small, verified change of a healthy service 0, with one line per factor', () => {
    const risk = scoreRisk(small);
    expect(risk.score).toBe(0);
    expect(risk.factors.map((f) => f.explanation)).toEqual([
      'change size: 10 lines in 1 file → +0 of 35',
      'sensitive paths: none touched → +0 of 25',
      'recent failures: 0% of recent runs failed → +0 of 25',
      'staging verification: passed → +0 of 15',
    ]);
  });

  it('adds up every factor to 100 at worst', () => {
    const risk = scoreRisk({
      linesChanged: 5000,
      filesChanged: 80,
      paths: ['db/migrations/0042_drop_users.sql', 'src/a.ts', 'db/migrations/0043.sql', 'x/migrations/y', 'z/migrations/w'],
      recentFailureRate: 1,
      stagingVerified: false,
    });
    expect(risk.score).toBe(100);
    expect(risk.factors[1]!.explanation).toBe(
      'sensitive paths: db/migrations/0042_drop_users.sql, db/migrations/0043.sql, x/migrations/y and 1 more → +25 of 25',
    );
    expect(risk.factors[2]!.explanation).toBe('recent failures: 100% of recent runs failed → +25 of 25');
  });

  it('counts unknown history and unknown staging as partly risky', () => {
    const risk = scoreRisk({ linesChanged: 0, filesChanged: 0, paths: [] });
    expect(risk.factors.map((f) => f.points)).toEqual([0, 0, 5, 8]);
    expect(risk.score).toBe(13);
  });

  it('takes its own sensitive path patterns', () => {
    expect(scoreRisk({ ...small, paths: ['charts/values.yaml'] }, ['charts/**']).score).toBe(25);
    expect(scoreRisk({ ...small, paths: ['db/migrations/1.sql'] }, ['charts/**']).score).toBe(0);
  });

  it('is monotone: a bigger, riskier change never scores lower, and stays within 0..100', () => {
    const inputs = fc.record({
      linesChanged: fc.nat({ max: 100_000 }),
      filesChanged: fc.nat({ max: 2_000 }),
      paths: fc.array(fc.constantFrom('src/a.ts', 'db/migrations/1.sql', 'README.md', '.pipeline.yml'), { maxLength: 5 }),
      recentFailureRate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      stagingVerified: fc.option(fc.boolean(), { nil: undefined }),
    });
    fc.assert(
      fc.property(inputs, fc.nat({ max: 10_000 }), fc.nat({ max: 500 }), (input, moreLines, moreFiles) => {
        const base = scoreRisk(input).score;
        const bigger = scoreRisk({ ...input, linesChanged: input.linesChanged + moreLines, filesChanged: input.filesChanged + moreFiles }).score;
        const sensitive = scoreRisk({ ...input, paths: [...input.paths, 'app/migrations/2.sql'] }).score;
        expect(bigger).toBeGreaterThanOrEqual(base);
        expect(sensitive).toBeGreaterThanOrEqual(base);
        expect(base).toBeGreaterThanOrEqual(0);
        expect(base).toBeLessThanOrEqual(100);
      }),
    );
  });
});
