export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Splits a text/event-stream body into events (comments and blank keep-alives are skipped). */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const blankLine = /\r?\n\r?\n/g;
  let buffered = '';
  // Where the search for the end of the pending event resumes: a large event arrives in many reads,
  // and searching it from its start at every read was quadratic (a 1 MiB log chunk in 64 KiB reads).
  let scanFrom = 0;
  for await (const bytes of body) {
    buffered += decoder.decode(bytes, { stream: true });
    for (;;) {
      blankLine.lastIndex = scanFrom;
      const found = blankLine.exec(buffered);
      if (!found) {
        // A blank line may straddle this read and the next: resume a few characters back.
        scanFrom = Math.max(0, buffered.length - 3);
        break;
      }
      const block = buffered.slice(0, found.index);
      buffered = buffered.slice(found.index + found[0].length);
      scanFrom = 0;
      const event = parseBlock(block);
      if (event) yield event;
    }
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0) return undefined;
  return id === undefined ? { event, data: data.join('\n') } : { event, data: data.join('\n'), id };
}
