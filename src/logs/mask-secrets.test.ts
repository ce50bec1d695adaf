import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecretMasker, listSecretForms } from './mask-secrets.js';

/** Writes the chunks one by one and flushes, as a stream would. */
function maskChunks(secrets: string[], chunks: string[]): string {
  const masker = createSecretMasker(secrets);
  return chunks.map((chunk) => masker.write(chunk)).join('') + masker.flush();
}

const maskOnce = (secrets: string[], text: string): string => maskChunks(secrets, [text]);

describe('createSecretMasker', () => {
  it('masks every occurrence, a run of adjacent or overlapping ones as one mask', () => {
    expect(maskOnce(['hunter2'], 'pw=hunter2, again hunter2.')).toBe('pw=***, again ***.');
    expect(maskOnce(['abcab', 'cabx'], 'abcabx!')).toBe('***!');
    expect(maskOnce(['aaa'], 'xaaaaay')).toBe('x***y');
    expect(maskOnce(['hunter2', 'token'], 'hunter2token')).toBe('***');
  });

  it('masks a secret split across writes, holding back only what could still begin one', () => {
    const masker = createSecretMasker(['hunter2']);
    expect(masker.write('log line\npassword: hun')).toBe('log line\npassword: ');
    expect(masker.write('te')).toBe('');
    expect(masker.write('r2 ok\n')).toBe('*** ok\n');
    expect(masker.write('hunting\n')).toBe('hunting\n');
    expect(masker.write('a whole line without any prefix\n')).toBe('a whole line without any prefix\n');
    expect(masker.write('h')).toBe('');
    expect(masker.write('u')).toBe('');
    expect(masker.flush()).toBe('hu');
  });

  it('emits a mask as soon as it is certain, even when a longer secret may still follow', () => {
    const masker = createSecretMasker(['token', 'token-extended']);
    expect(masker.write('token-ex')).toBe('***');
    expect(masker.write('tended!')).toBe('!');
    expect(masker.flush()).toBe('');
  });

  it('masks each line of a multi-line secret on its own, trimmed, and skips lines too short to mask', () => {
    const key = '-----BEGIN KEY-----\n  MIIEvQIBADANBg\nkqhkiG9w0BAQ\n}\n-----END KEY-----\n';
    const output = maskOnce([key], `[step] MIIEvQIBADANBg\n[step] kqhkiG9w0BAQ\n[step] }\n${key}`);
    expect(output).toBe('[step] ***\n[step] ***\n[step] }\n***');
    expect(maskOnce(['admin\npw1'], 'login: admin, password: pw1')).toBe('login: ***, password: ***');
  });

  it('masks base64 (standard, url-safe, padded or not) and URL-encoded spellings', () => {
    const secret = 'p@ss w/ord?>>'; // base64 has + and /: the alphabets differ
    const base64 = Buffer.from(secret).toString('base64');
    expect(base64).toMatch(/[+/]/);
    expect(base64).toMatch(/=$/);
    const spellings = [
      base64,
      base64.replace(/=+$/, ''),
      Buffer.from(secret).toString('base64url'),
      encodeURIComponent(secret),
    ];
    for (const spelling of spellings) expect(maskOnce([secret], `<${spelling}>`), spelling).toBe('<***>');
  });

  it('masks a secret inside a longer base64 value, as in HTTP basic auth', () => {
    for (const user of ['u', 'us', 'use']) {
      const header = `Authorization: Basic ${Buffer.from(`${user}:correct-horse`).toString('base64')}`;
      const masked = maskOnce(['correct-horse'], header);
      expect(masked, user).toMatch(/^Authorization: Basic [A-Za-z0-9+/]{1,8}\*\*\*[A-Za-z0-9+/=]{0,4}$/);
    }
  });

  it('leaves secrets shorter than 3 characters alone and lists them as skipped', () => {
    const masker = createSecretMasker(['a', '42', '', 'abc', '€€']);
    expect(masker.skipped).toEqual(['a', '42', '', '€€']);
    expect(masker.write('a 42 € abc\n')).toBe('a 42 € ***\n');
  });

  it('passes text through untouched without secrets', () => {
    const masker = createSecretMasker([]);
    expect(masker.write('anything')).toBe('anything');
    expect(masker.flush()).toBe('');
  });

  it('starts a new stream after flush', () => {
    const masker = createSecretMasker(['hunter2']);
    expect(masker.write('hunter2 hunt')).toBe('*** ');
    expect(masker.flush()).toBe('hunt');
    expect(masker.write('er2')).toBe('er2');
  });

  it('handles many secrets in one pass', () => {
    const secrets = Array.from({ length: 2000 }, (_, i) => `secret-${i.toString(36)}-${(i * 7919).toString(16)}`);
    const text = secrets.map((secret, i) => `line ${i}: ${secret}\n`).join('');
    const masked = maskOnce(secrets, text);
    expect(masked.split('\n').slice(0, 3)).toEqual(['line 0: ***', 'line 1: ***', 'line 2: ***']);
    for (const secret of secrets) expect(masked).not.toContain(secret);
  });
});

describe('createSecretMasker, property', () => {
  // No `*` in secrets: a secret spelled with `*` can be formed by the mask itself next to other text.
  const char = fc.constantFrom('a', 'b', 'c', 'd', '+', '/', '=', '%', ' ', '\n', 'é');
  const secretArbitrary = fc.string({ unit: char, minLength: 3, maxLength: 12 });

  /** Spellings built here, independently of listSecretForms, that must never survive. */
  function spellingsOf(secret: string): string[] {
    const base64 = Buffer.from(secret).toString('base64');
    const lines = secret.split('\n').map((line) => line.trim());
    return [
      secret,
      base64,
      base64.replace(/=+$/, ''),
      base64.replace(/\+/g, '-').replace(/\//g, '_'),
      base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
      encodeURIComponent(secret),
      ...lines.filter((line) => line.length >= 3),
    ];
  }

  it('never lets a spelling of a secret through, and streams exactly what one-shot masking gives', () => {
    const scenario = fc
      .array(secretArbitrary, { minLength: 1, maxLength: 4 })
      .chain((secrets) =>
        fc.record({
          secrets: fc.constant(secrets),
          text: fc
            .array(
              fc.oneof(
                fc.string({ unit: char, maxLength: 6 }),
                fc.constantFrom(...secrets.flatMap(spellingsOf)),
              ),
              { maxLength: 12 },
            )
            .map((parts) => parts.join('')),
          cuts: fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 8 }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ secrets, text, cuts }) => {
        const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...positions].map((start, i) => text.slice(start, [...positions, text.length][i]));
        const streamed = maskChunks(secrets, chunks);
        expect(streamed).toBe(maskOnce(secrets, text));
        for (const spelling of secrets.flatMap(spellingsOf)) expect(streamed).not.toContain(spelling);
      }),
      { numRuns: 300 },
    );
  });

  it('derives only spellings the secret reaches', () => {
    expect(listSecretForms('hunter2')).toEqual(
      expect.arrayContaining(['hunter2', 'aHVudGVyMg==', 'aHVudGVyMg']),
    );
    expect(listSecretForms('ab\ncd')).not.toContain('ab');
  });
});
