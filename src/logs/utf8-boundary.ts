/**
 * The length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence: at most the
 * last 3 bytes are held back, and only when they start a sequence that more bytes could complete.
 * Invalid bytes are never held back (they decode as U+FFFD either way).
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let i = length - 1; i >= Math.max(0, length - 3); i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 1;
    return length - i < needed ? i : length;
  }
  return length;
}
