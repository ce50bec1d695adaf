import { describe, expect, it } from 'vitest';
import { checkAgentToken } from './check-agent-token.js';

describe('checkAgentToken', () => {
  const token = 'a-long-enough-agent-token';

  it('accepts the bearer token and refuses anything else as unauthenticated', () => {
    expect(() => checkAgentToken(`Bearer ${token}`, token)).not.toThrow();
    for (const header of [undefined, '', token, `Bearer ${token}x`, `Basic ${token}`, 'Bearer ']) {
      expect(() => checkAgentToken(header, token)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    }
  });
});
