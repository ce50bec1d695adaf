import { describe, expect, it } from 'vitest';
import { currentRelease } from './current-release.js';

const d = (id: number, version: string, status: string) => ({ id, version, service: 'web', status, finishedAt: null });

describe('currentRelease', () => {
  it('is the newest successful deployment, whatever the list order', () => {
    expect(currentRelease([d(4, 'v1', 'succeeded'), d(3, 'v2', 'succeeded'), d(5, 'v3', 'failed'), d(6, 'v4', 'running')])?.version).toBe('v1');
    expect(currentRelease([d(1, 'v1', 'failed')])).toBeUndefined();
  });
});
