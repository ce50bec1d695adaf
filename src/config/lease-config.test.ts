import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { loadConfig } from './config.js';

describe('loadConfig lease', () => {
  it('defaults to a 15 s lease and reads SLIPWAY_LEASE_SECONDS, fractions included', () => {
    expect(loadConfig({}).leaseMs).toBe(15_000);
    expect(loadConfig({ SLIPWAY_LEASE_SECONDS: '2.5' }).leaseMs).toBe(2_500);
  });

  it('refuses a lease that is not a positive number of seconds', () => {
    for (const value of ['0', '-3', 'soon']) {
      expect(() => loadConfig({ SLIPWAY_LEASE_SECONDS: value })).toThrow(AppError);
      expect(() => loadConfig({ SLIPWAY_LEASE_SECONDS: value })).toThrow(/SLIPWAY_LEASE_SECONDS/);
    }
  });
});
