import { createLineBuffer } from '../../../runner/line-buffer.js';

export interface OutputTail {
  push(chunk: Buffer): void;
  /** The last lines (partial last line included), secrets replaced by ***. */
  lines(): string[];
}

/**
 * Keeps the last `maxLines` lines of a replica's stream: enough to say why a start failed without
 * holding a long-running service's whole log in memory.
 */
export function createOutputTail(maxLines: number, secrets: readonly string[]): OutputTail {
  const kept: string[] = [];
  const masks = secrets.filter((value) => value.length > 0);
  const buffer = createLineBuffer({
    maxLineChars: 2_000,
    onLines(text) {
      for (const line of text.slice(0, -1).split('\n')) {
        kept.push(line);
        if (kept.length > maxLines) kept.shift();
      }
    },
  });
  return {
    push: (chunk) => buffer.push(chunk),
    lines() {
      buffer.flush();
      return kept.map((line) => masks.reduce((text, secret) => text.split(secret).join('***'), line));
    },
  };
}
