import { useEffect, useRef, useState } from 'react';
import { type AnsiSpan, type AnsiState, createAnsiState, parseAnsiLines } from '../core.js';

export interface JobLog {
  /** Finished lines, as spans; the array grows in place (read `version` to re-render). */
  lines: AnsiSpan[][];
  /** The plain text of each line, for search. */
  plain: string[];
  /** The last line while it has no newline yet. */
  partial: AnsiSpan[];
  version: number;
  state: 'connecting' | 'live' | 'ended' | 'error';
  error?: string;
}

/**
 * Follows a job's log over the server's SSE stream: the stored scrollback first, then live chunks.
 * EventSource reconnects by itself after a dropped connection and resumes at the last byte offset
 * (the stream's event ids); the `end` event closes it for good.
 */
export function useJobLog(jobId: number | undefined): JobLog {
  const store = useRef<{ lines: AnsiSpan[][]; plain: string[]; ansi: AnsiState; partial: AnsiSpan[] }>({ lines: [], plain: [], ansi: createAnsiState(), partial: [] });
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<JobLog['state']>('connecting');
  const [error, setError] = useState<string>();

  useEffect(() => {
    store.current = { lines: [], plain: [], ansi: createAnsiState(), partial: [] };
    setVersion((v) => v + 1);
    setState('connecting');
    setError(undefined);
    if (jobId === undefined) return;
    const source = new EventSource(`/api/v1/jobs/${jobId}/logs`);
    let frame: number | undefined;
    // Chunks arrive faster than frames: render at most once per frame.
    const schedule = () => {
      frame ??= requestAnimationFrame(() => {
        frame = undefined;
        setVersion((v) => v + 1);
      });
    };
    const append = (text: string, flush: boolean) => {
      const s = store.current;
      const parsed = parseAnsiLines(s.ansi, text, true);
      s.ansi = parsed.state;
      for (const line of parsed.lines) {
        s.lines.push(line);
        s.plain.push(line.map((span) => span.text).join(''));
      }
      s.partial = parsed.partial ?? [];
      if (flush && s.partial.length > 0) {
        s.lines.push(s.partial);
        s.plain.push(s.partial.map((span) => span.text).join(''));
        s.partial = [];
        s.ansi = { ...s.ansi, pending: '' };
      }
      schedule();
    };
    source.addEventListener('open', () => setState('live'));
    source.addEventListener('chunk', (event) => {
      const { text } = JSON.parse((event as MessageEvent<string>).data) as { offset: number; text: string };
      append(text, false);
    });
    source.addEventListener('end', () => {
      append('', true);
      setState('ended');
      source.close();
    });
    source.addEventListener('error', (event) => {
      // A server-sent `event: error` carries data; a dropped connection does not (EventSource retries it).
      if (event instanceof MessageEvent && typeof event.data === 'string') {
        const problem = JSON.parse(event.data) as { message?: string };
        setError(problem.message ?? 'the log stream failed');
        setState('error');
        source.close();
      } else if (source.readyState === EventSource.CLOSED) {
        setError('the log stream closed');
        setState('error');
      } else {
        setState('connecting');
      }
    });
    return () => {
      source.close();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [jobId]);

  const s = store.current;
  return { lines: s.lines, plain: s.plain, partial: s.partial, version, state, ...(error === undefined ? {} : { error }) };
}
