import { describe, expect, it } from 'vitest';
import { statusTone } from './status-tone.js';

describe('statusTone', () => {
  it('gives run, job, deployment, gate and decision statuses one colour family each', () => {
    expect(['succeeded', 'failed', 'running', 'waiting_approval', 'skipped', 'ROLLBACK', 'PROMOTE'].map(statusTone)).toEqual([
      'success',
      'failure',
      'active',
      'waiting',
      'neutral',
      'failure',
      'success',
    ]);
    expect(statusTone('something-new')).toBe('neutral');
  });
});
