import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretCrypto } from './secret-crypto.js';

const crypto = createSecretCrypto({ key: randomBytes(32) });
const aad = '["slipway secret v1",1,"prod","DEPLOY_TOKEN"]';

describe('createSecretCrypto', () => {
  it('round-trips text, with a fresh nonce every time', () => {
    const plaintext = 'hunter2 ✓ multi\nline';
    const a = crypto.encrypt(plaintext, aad);
    const b = crypto.encrypt(plaintext, aad);
    expect(crypto.decrypt(a, aad)).toBe(plaintext);
    expect(a.nonce).toHaveLength(12);
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.includes(Buffer.from('hunter2'))).toBe(false);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a flipped byte in the ciphertext, the tag or the nonce', () => {
    const sealed = crypto.encrypt('hunter2', aad);
    const flip = (bytes: Buffer, index: number): Buffer => {
      const copy = Buffer.from(bytes);
      copy[index]! ^= 0x01;
      return copy;
    };
    for (const tampered of [
      { ...sealed, ciphertext: flip(sealed.ciphertext, 0) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) },
      { ...sealed, nonce: flip(sealed.nonce, 5) },
    ]) {
      expect(() => crypto.decrypt(tampered, aad)).toThrow(/failed authentication/);
    }
  });

  it('refuses other additional data: a value moved to another scope or name', () => {
    const sealed = crypto.encrypt('hunter2', aad);
    expect(() => crypto.decrypt(sealed, '["slipway secret v1",1,null,"DEPLOY_TOKEN"]')).toThrow(/failed authentication/);
    expect(() => crypto.decrypt(sealed, '["slipway secret v1",2,"prod","DEPLOY_TOKEN"]')).toThrow(/failed authentication/);
  });

  it('names the key: a value sealed by another key says so instead of failing authentication', () => {
    const other = createSecretCrypto({ key: randomBytes(32) });
    expect(other.keyId).not.toBe(crypto.keyId);
    const sealed = crypto.encrypt('hunter2', aad);
    expect(() => other.decrypt(sealed, aad)).toThrow(expect.objectContaining({ code: 'failed_precondition' }));
    // Same key, same id: the id is a function of the key alone.
    const key = randomBytes(32);
    expect(createSecretCrypto({ key }).keyId).toBe(createSecretCrypto({ key }).keyId);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createSecretCrypto({ key: randomBytes(16) })).toThrow(/32 bytes, not 16/);
  });
});
