import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { masterKeyBytes } from './decode-master-key.js';

/** An encrypted value as stored: nothing here reveals the plaintext but its length. */
export interface SealedValue {
  /** AES-256-GCM ciphertext followed by its 16-byte authentication tag. */
  ciphertext: Buffer;
  /** 12 random bytes, new for every encryption. */
  nonce: Buffer;
  /** Which master key sealed it (see SecretCrypto.keyId). */
  keyId: string;
}

export interface SecretCrypto {
  /**
   * Names the master key without revealing it: 16 hex characters of a hash of the key. Stored beside
   * every value so a key rotation can tell which values still need re-encrypting.
   */
  readonly keyId: string;
  /** `aad` (additional authenticated data) is not stored: decrypt must be given the same aad. */
  encrypt(plaintext: string, aad: string): SealedValue;
  /** Throws AppError when the key differs, or when ciphertext, nonce or aad are not what encrypt saw. */
  decrypt(sealed: SealedValue, aad: string): string;
}

export interface SecretCryptoOptions {
  /** The 32-byte master key (loadMasterKey). */
  key: Uint8Array;
}

const nonceBytes = 12;
const tagBytes = 16;

/**
 * AES-256-GCM with a random 96-bit nonce per value. Random nonces under one key stay safe for about
 * 2^32 encryptions, far beyond the number of times secrets are ever set.
 */
export function createSecretCrypto(options: SecretCryptoOptions): SecretCrypto {
  if (options.key.length !== masterKeyBytes) {
    throw new AppError(ErrorCode.invalidArgument, `a master key is ${masterKeyBytes} bytes, not ${options.key.length}`);
  }
  const key = Buffer.from(options.key);
  const keyId = createHash('sha256').update('slipway master key id\0').update(key).digest('hex').slice(0, 16);

  return {
    keyId,
    encrypt(plaintext, aad) {
      const nonce = randomBytes(nonceBytes);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagBytes });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return { ciphertext, nonce, keyId };
    },
    decrypt(sealed, aad) {
      if (sealed.keyId !== keyId) {
        throw new AppError(
          ErrorCode.failedPrecondition,
          `this value was encrypted with master key ${sealed.keyId}, but the configured master key is ${keyId}: configure the original key (SLIPWAY_MASTER_KEY or <data dir>/master.key)`,
        );
      }
      const { ciphertext, nonce } = sealed;
      if (nonce.length !== nonceBytes || ciphertext.length < tagBytes) {
        throw new AppError(ErrorCode.internal, 'a sealed value is truncated: nonce or authentication tag missing');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: tagBytes });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(ciphertext.subarray(ciphertext.length - tagBytes));
        const body = ciphertext.subarray(0, ciphertext.length - tagBytes);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new AppError(
          ErrorCode.internal,
          'a sealed value failed authentication: it was altered, or copied from another secret; set the secret again',
          { cause: err },
        );
      }
    },
  };
}
