import { describe, expect, it } from 'vitest';
import { placeReplica } from './place-replica.js';

describe('placeReplica', () => {
  it('has nowhere to go without candidates', () => {
    expect(placeReplica([])).toBeUndefined();
  });

  it('spreads a service first, then balances the total, then picks by id', () => {
    expect(
      placeReplica([
        { agentId: 'a', replicas: 1, replicasOfService: 1 },
        { agentId: 'b', replicas: 5, replicasOfService: 0 },
      ]),
    ).toBe('b');
    expect(
      placeReplica([
        { agentId: 'a', replicas: 3, replicasOfService: 0 },
        { agentId: 'b', replicas: 2, replicasOfService: 0 },
      ]),
    ).toBe('b');
    expect(
      placeReplica([
        { agentId: 'c', replicas: 2, replicasOfService: 1 },
        { agentId: 'a', replicas: 2, replicasOfService: 1 },
      ]),
    ).toBe('a');
  });
});
