import { StringDecoder } from 'node:string_decoder';

export interface LineBuffer {
  push(chunk: Buffer): void;
  /** Emits a trailing partial line (terminated with `\n`) and resets the buffer. */
  flush(): void;
}

export interface LineBufferOptions {
  /** Receives one or more complete lines, each ending in `\n`. */
  onLines(text: string): void;
  /**
   * A line longer than this is emitted in pieces: bounded memory matters more than keeping a
   * pathological line (minified bundle, progress bar without newlines) whole.
   */
  maxLineChars?: number;
}

/**
 * Turns a byte stream into whole lines, so output from jobs running side by side is never
 * interleaved mid-line. UTF-8 sequences split across chunks are kept intact.
 */
export function createLineBuffer(options: LineBufferOptions): LineBuffer {
  const maxLineChars = options.maxLineChars ?? 64 * 1024;
  const decoder = new StringDecoder('utf8');
  let pending = '';

  function emitComplete(): void {
    const lastNewline = pending.lastIndexOf('\n');
    if (lastNewline >= 0) {
      options.onLines(pending.slice(0, lastNewline + 1));
      pending = pending.slice(lastNewline + 1);
    }
    while (pending.length > maxLineChars) {
      options.onLines(`${pending.slice(0, maxLineChars)}\n`);
      pending = pending.slice(maxLineChars);
    }
  }

  return {
    push(chunk) {
      pending += decoder.write(chunk);
      emitComplete();
    },
    flush() {
      pending += decoder.end();
      emitComplete();
      if (pending.length > 0) options.onLines(`${pending}\n`);
      pending = '';
    },
  };
}
