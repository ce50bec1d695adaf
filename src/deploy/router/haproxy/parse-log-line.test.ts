import { describe, expect, it } from 'vitest';
import { describeTerminationState, parseLogLine } from './parse-log-line.js';

describe('parseLogLine', () => {
  it('reads a request line', () => {
    expect(parseLogLine('slipway svc0 svc0s1 200 3 2 -- v2 canary\n')).toEqual({
      backend: 'svc0',
      server: 'svc0s1',
      status: 200,
      activeMs: 3,
      serverMs: 2,
      terminationState: '--',
      version: 'v2',
      track: 'canary',
    });
  });

  it('reads a failed request without version or track', () => {
    expect(parseLogLine('slipway svc0 <NOSRV> 503 0 -1 SC - -')).toMatchObject({ server: '<NOSRV>', status: 503, serverMs: -1 });
    expect(parseLogLine('slipway svc0 <NOSRV> 503 0 -1 SC - -')).not.toHaveProperty('version');
  });

  it('ignores HAProxy messages and malformed lines', () => {
    expect(parseLogLine('Server svc0/svc0s1 is going DOWN for maintenance.')).toBeUndefined();
    expect(parseLogLine('slipway svc0 svc0s1 abc 3 2 -- v2 canary')).toBeUndefined();
    expect(parseLogLine('slipway svc0 svc0s1 200 3 2 -- v2 nottrack')).not.toHaveProperty('track');
  });
});

describe('describeTerminationState', () => {
  it('says nothing for a normal end and who/when otherwise', () => {
    expect(describeTerminationState('--')).toBeUndefined();
    expect(describeTerminationState('SC')).toBe('haproxy ended the request: server during connect (termination state SC)');
  });
});
