import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

describe('redact', () => {
  it('drops value, secret, token, password and ciphertext members at any depth, in any case', () => {
    const input = {
      name: 'DEPLOY_TOKEN',
      value: 'hunter2',
      nested: { Password: 'p', list: [{ token: 't', keep: 1 }, { CipherText: 'c', secret: 's' }], fencingToken: 7 },
    };
    expect(redact(input)).toEqual({ name: 'DEPLOY_TOKEN', nested: { list: [{ keep: 1 }, {}], fencingToken: 7 } });
    expect(JSON.stringify(redact(input))).not.toMatch(/hunter2|"p"|"t"|"c"|"s"/);
  });

  it('gives plain JSON: Dates as ISO strings, undefined as null, NUL replaced (jsonb refuses it)', () => {
    expect(redact(undefined)).toBeNull();
    expect(redact({ at: new Date(0), gone: undefined, text: 'a\u0000b' })).toEqual({ at: '1970-01-01T00:00:00.000Z', text: 'a\uFFFDb' });
  });

  it('does not change its input', () => {
    const input = { value: 'x', keep: { token: 'y' } };
    redact(input);
    expect(input).toEqual({ value: 'x', keep: { token: 'y' } });
  });
});
