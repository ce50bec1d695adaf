import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { decodeMasterKey } from './decode-master-key.js';

const key = randomBytes(32);

describe('decodeMasterKey', () => {
  it('reads 32 bytes as hex, base64 and base64url, with or without padding and surrounding whitespace', () => {
    const base64 = key.toString('base64');
    const spellings = [
      key.toString('hex'),
      key.toString('hex').toUpperCase(),
      base64,
      base64.replace(/=$/, ''),
      key.toString('base64url'),
      `${key.toString('base64url')}=`,
      `  ${base64}\n`,
    ];
    for (const spelling of spellings) expect(decodeMasterKey(spelling)?.equals(key), spelling).toBe(true);
  });

  it('refuses anything else', () => {
    const base64 = key.toString('base64');
    const wrong = [
      '',
      'hunter2',
      key.toString('hex').slice(2), // 31 bytes
      randomBytes(33).toString('hex'),
      randomBytes(16).toString('base64'),
      randomBytes(33).toString('base64'),
      `${base64.slice(0, 10)}!${base64.slice(11)}`, // Buffer.from would skip the '!'
      `${base64.slice(0, 10)}-${base64.slice(11, 20)}+${base64.slice(21)}`, // mixed alphabets
      nonCanonical(base64), // decodes to the same bytes, but is not how they are written
    ];
    for (const text of wrong) expect(decodeMasterKey(text), text).toBeUndefined();
  });
});

/** The last of 43 characters carries 2 spare bits, zero when canonical: set one of them. */
function nonCanonical(base64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const spelled = `${base64.slice(0, 42)}${alphabet[alphabet.indexOf(base64[42]!) + 1]}=`;
  if (!Buffer.from(spelled, 'base64').equals(Buffer.from(base64, 'base64'))) throw new Error('not the same bytes');
  return spelled;
}

describe('SLIPWAY_MASTER_KEY', () => {
  it('is decoded by loadConfig', () => {
    expect(loadConfig({ SLIPWAY_MASTER_KEY: key.toString('base64') }).masterKey?.equals(key)).toBe(true);
    expect(loadConfig({}).masterKey).toBeUndefined();
  });

  it('is a clear configuration error when malformed, without echoing the value', () => {
    const value = 'not-a-key-but-maybe-a-password';
    let message = '';
    try {
      loadConfig({ SLIPWAY_MASTER_KEY: value });
    } catch (err) {
      expect(err).toMatchObject({ code: 'invalid_argument' });
      message = (err as Error).message;
    }
    expect(message).toMatch(/SLIPWAY_MASTER_KEY: must be 32 bytes .* base64 .* 64 hex characters/);
    expect(message).not.toContain(value);
  });
});
