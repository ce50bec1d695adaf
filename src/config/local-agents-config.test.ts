import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { loadConfig } from './config.js';

describe('loadConfig local agents', () => {
  it('defaults to 1 to the CPU count, one job each, 60 s idle grace', () => {
    expect(loadConfig({}).localAgents).toEqual({ min: 1, max: availableParallelism(), jobsPerAgent: 1, idleGraceMs: 60_000 });
  });

  it('reads the four variables, the grace in seconds', () => {
    const env = { SLIPWAY_LOCAL_AGENTS_MIN: '0', SLIPWAY_LOCAL_AGENTS_MAX: '6', SLIPWAY_JOBS_PER_AGENT: '3', SLIPWAY_AGENT_IDLE_GRACE_SECONDS: '1.5' };
    expect(loadConfig(env).localAgents).toEqual({ min: 0, max: 6, jobsPerAgent: 3, idleGraceMs: 1_500 });
  });

  it('raises the default max to the min', () => {
    const min = availableParallelism() + 2;
    expect(loadConfig({ SLIPWAY_LOCAL_AGENTS_MIN: String(min) }).localAgents?.max).toBe(min);
  });

  it.each([
    { SLIPWAY_LOCAL_AGENTS_MIN: '3', SLIPWAY_LOCAL_AGENTS_MAX: '2' },
    { SLIPWAY_LOCAL_AGENTS_MAX: '0' },
    { SLIPWAY_JOBS_PER_AGENT: '0' },
    { SLIPWAY_LOCAL_AGENTS_MIN: '-1' },
    { SLIPWAY_AGENT_IDLE_GRACE_SECONDS: 'soon' },
  ])('refuses %o', (env) => {
    expect(() => loadConfig(env)).toThrow(AppError);
  });
});
