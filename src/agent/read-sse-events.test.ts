import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSseEvents } from './read-sse-events.js';

async function* pieces(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const text of texts) yield new TextEncoder().encode(text);
}

describe('readSseEvents', () => {
  it('joins events split across reads and skips comments', async () => {
    const events = [];
    for await (const event of readSseEvents(pieces(': connected\n\nevent: jo', 'b\ndata: {"a":1}\n', '\nid: 7\ndata: x\ndata: y\n\n'))) {
      events.push(event);
    }
    expect(events).toEqual([
      { event: 'job', data: '{"a":1}' },
      { event: 'message', data: 'x\ny', id: '7' },
    ]);
  });

  it('reads the same events however the stream is split, LF or CRLF, large events included', async () => {
    const read = async (parts: string[]) => {
      const events = [];
      for await (const event of readSseEvents(pieces(...parts))) events.push(event);
      return events;
    };
    const big = 'x'.repeat(5000);
    const stream = (eol: string) =>
      [`: hi`, '', `event: log`, `id: 1`, `data: ${big}`, `data: tail`, '', `event: end`, `data: {}`, '', ''].join(eol);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 40 }), async (eol, cuts) => {
        const text = stream(eol);
        const at = [...new Set(cuts.map((cut) => cut % text.length))].sort((a, b) => a - b);
        const parts = [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length)).filter((part) => part !== '');
        expect(await read(parts)).toEqual([
          { event: 'log', data: `${big}\ntail`, id: '1' },
          { event: 'end', data: '{}' },
        ]);
      }),
      { numRuns: 200 },
    );
  });
});
