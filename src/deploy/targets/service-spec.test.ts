import { describe, expect, it } from 'vitest';
import { parseServiceSpec } from './service-spec.js';

describe('parseServiceSpec', () => {
  it('fills every default', () => {
    expect(parseServiceSpec({ name: 'web', start: 'node server.js' })).toEqual({
      name: 'web',
      start: 'node server.js',
      port: 'free',
      replicas: 1,
      readiness: { path: '/', intervalMs: 500, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 },
      env: {},
      secrets: {},
      stopTimeoutMs: 10_000,
      restartBackoffMs: 500,
      restartBackoffMaxMs: 30_000,
    });
  });

  it('defaults the fields of a partly given probe', () => {
    const spec = parseServiceSpec({ name: 'web', start: 'x', liveness: { path: '/live' } });
    expect(spec.liveness).toEqual({ path: '/live', intervalMs: 5_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 });
  });

  it.each([
    [{ name: 'Web', start: 'x' }, 'name: must be lower-case letters, digits and -'],
    [{ name: 'web', start: '  ' }, 'start: give the command that starts one replica'],
    [{ name: 'web', start: 'x', port: 8080, replicas: 2 }, 'port: a fixed port can serve only one replica'],
    [{ name: 'web', start: 'x', env: { PORT: '1' } }, 'env: PORT is set by the target'],
    [{ name: 'web', start: 'x', readiness: { path: 'health' } }, "readiness.path: must start with '/'"],
    [{ name: 'web', start: 'x', env: { A: '1' }, secrets: { A: '2' } }, 'secrets: a name is in both env and secrets'],
    [{ name: 'web', start: 'x', replicas: -1 }, 'replicas: must be ≥ 0'],
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => parseServiceSpec(input)).toThrow(message);
  });

  it('rejects unknown fields instead of ignoring a typo', () => {
    expect(() => parseServiceSpec({ name: 'web', start: 'x', replica: 2 })).toThrow(/replica/);
  });
});
