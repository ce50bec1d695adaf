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
});
