import { describe, expect, it } from 'vitest';
import { createLineBuffer } from './line-buffer.js';

function collect(maxLineChars?: number) {
  const emitted: string[] = [];
  const buffer = createLineBuffer({ onLines: (text) => emitted.push(text), maxLineChars });
  return { emitted, buffer };
}

describe('createLineBuffer', () => {
  it('holds a partial line until its newline arrives', () => {
    const { emitted, buffer } = collect();
    buffer.push(Buffer.from('hel'));
    expect(emitted).toEqual([]);
    buffer.push(Buffer.from('lo\nwor'));
    expect(emitted).toEqual(['hello\n']);
    buffer.push(Buffer.from('ld\nnext\n'));
    expect(emitted).toEqual(['hello\n', 'world\nnext\n']);
  });

  it('terminates a trailing partial line on flush', () => {
    const { emitted, buffer } = collect();
    buffer.push(Buffer.from('no newline'));
    buffer.flush();
    buffer.flush();
    expect(emitted).toEqual(['no newline\n']);
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const { emitted, buffer } = collect();
    const bytes = Buffer.from('é\n');
    buffer.push(bytes.subarray(0, 1));
    buffer.push(bytes.subarray(1));
    expect(emitted).toEqual(['é\n']);
  });

  it('splits an over-long line into bounded pieces', () => {
    const { emitted, buffer } = collect(4);
    buffer.push(Buffer.from('abcdefghij'));
    expect(emitted).toEqual(['abcd\n', 'efgh\n']);
    buffer.flush();
    expect(emitted.at(-1)).toBe('ij\n');
  });
});
