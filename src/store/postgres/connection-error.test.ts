import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/app-error.js';
import { describeTarget, toConnectionError } from './connection-error.js';

describe('describeTarget', () => {
  it('reads host, port, database and user, defaulting like libpq', () => {
    expect(describeTarget('postgres://ci:s%40cret@db.internal/builds')).toEqual({
      address: 'db.internal:5432',
      database: 'builds',
      user: 'ci',
      password: 's@cret',
    });
    expect(describeTarget('postgresql:///slipway?host=/var/run/postgresql')).toMatchObject({
      address: '/var/run/postgresql',
      database: 'slipway',
    });
  });

  it('refuses a non-PostgreSQL or malformed URL without repeating it', () => {
    for (const url of ['mysql://root:pw-123@db/x', 'not a url pw-123']) {
      expect(() => describeTarget(url)).toThrow(AppError);
      expect(() => describeTarget(url)).not.toThrow(/pw-123/);
    }
  });
});

describe('toConnectionError', () => {
  const target = describeTarget('postgres://ci:pw-123@db.internal:6543/builds');

  it('leaves errors of a statement alone', () => {
    expect(toConnectionError(Object.assign(new Error('duplicate key'), { code: '23505' }), target)).toBeUndefined();
  });

  it('explains a connect timeout', () => {
    const error = toConnectionError(new Error('Connection terminated due to connection timeout'), target);
    expect(error?.code).toBe('unavailable');
    expect(error?.message).toMatch(/^cannot reach PostgreSQL at db\.internal:6543: connection timed out/);
  });

  it('scrubs the password from any text it passes on', () => {
    const error = toConnectionError(new Error('SASL: server rejected pw-123'), target);
    expect(error?.message).toContain('cannot log in to PostgreSQL at db.internal:6543 as "ci"');
    expect(error?.message).not.toContain('pw-123');
  });
});
