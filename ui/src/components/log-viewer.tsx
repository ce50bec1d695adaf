import { type CSSProperties, type KeyboardEvent, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type AnsiSpan, findMatches, highlightSpans, type LogMatch, type MarkedSpan, visibleLineRange } from '../core.js';
import type { JobLog } from '../hooks/use-job-log.js';

const lineHeightPx = 18;

/**
 * A job's log: ANSI colours, the whole scrollback (only the visible rows are rendered), search with
 * next/previous, and following the end while the view is at the bottom (scrolling up stops following).
 */
export function LogViewer({ log, title }: { log: JobLog; title: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const lines = log.partial.length > 0 ? [...log.lines, log.partial] : log.lines;
  const total = lines.length;

  // biome-ignore lint/correctness/useExhaustiveDependencies: log.version says when the lines (mutated in place) changed
  const matches = useMemo(() => findMatches(log.partial.length > 0 ? [...log.plain, plainOf(log.partial)] : log.plain, query), [query, log.version]);
  const byLine = useMemo(() => groupByLine(matches), [matches]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    setViewport(element.clientHeight);
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each new line (version, total) to follow the end
  useLayoutEffect(() => {
    const element = scroller.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  }, [log.version, follow, total]);

  const goTo = (index: number) => {
    if (matches.length === 0) return;
    const next = ((index % matches.length) + matches.length) % matches.length;
    setCurrent(next);
    setFollow(false);
    const element = scroller.current;
    const match = matches[next]!;
    if (element) element.scrollTop = Math.max(0, match.line * lineHeightPx - element.clientHeight / 2);
  };
  const search = (text: string) => {
    setQuery(text);
    setCurrent(0);
  };

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      goTo(event.shiftKey ? current - 1 : current + 1);
    } else if (event.key === 'Escape') {
      search('');
    }
  };
  const { start, end } = visibleLineRange({ scrollTopPx: scrollTop, viewportPx: viewport, lineHeightPx, total });
  const currentMatch = matches[current];

  return (
    <section className="log" aria-label={title}>
      <div className="log-toolbar">
        <label className="log-search">
          <span className="visually-hidden">Search the log</span>
          <input type="search" placeholder="Search the log" value={query} onChange={(e) => search(e.target.value)} onKeyDown={onKey} />
        </label>
        <span className="muted log-count" aria-live="polite">
          {query === '' ? `${total} lines` : matches.length === 0 ? 'no match' : `${current + 1} of ${matches.length}`}
        </span>
        <button type="button" onClick={() => goTo(current - 1)} disabled={matches.length === 0} aria-label="Previous match">
          ↑
        </button>
        <button type="button" onClick={() => goTo(current + 1)} disabled={matches.length === 0} aria-label="Next match">
          ↓
        </button>
        <label className="follow">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <span className={`log-state log-${log.state}`}>{log.state === 'live' ? '● live' : log.state === 'ended' ? 'complete' : log.state}</span>
      </div>
      {log.error ? (
        <p className="error-banner" role="alert">
          {log.error}
        </p>
      ) : null}
      <div
        className="log-lines"
        ref={scroller}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll with the keyboard
        tabIndex={0}
        role="log"
        aria-label={`${title} output`}
        onScroll={(event) => {
          const element = event.currentTarget;
          setScrollTop(element.scrollTop);
          const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < lineHeightPx * 2;
          if (atBottom !== follow) setFollow(atBottom);
        }}
      >
        <div style={{ height: total * lineHeightPx, position: 'relative' }}>
          {total === 0 ? <p className="muted log-empty">{log.state === 'ended' ? 'This job wrote nothing.' : 'Waiting for output…'}</p> : null}
          {lines.slice(start, end).map((spans, offset) => {
            const index = start + offset;
            const ranges = (byLine.get(index) ?? []).map((m) => ({ ...m, current: m === currentMatch }));
            return (
              <div key={index} className="log-line" style={{ top: index * lineHeightPx, height: lineHeightPx }}>
                <span className="log-number" aria-hidden="true">
                  {index + 1}
                </span>
                <span className="log-text">{highlightSpans(spans, ranges).map(renderSpan)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

function plainOf(spans: readonly AnsiSpan[]): string {
  return spans.map((span) => span.text).join('');
}

function groupByLine(matches: readonly LogMatch[]): Map<number, LogMatch[]> {
  const map = new Map<number, LogMatch[]>();
  for (const match of matches) {
    const list = map.get(match.line);
    if (list) list.push(match);
    else map.set(match.line, [match]);
  }
  return map;
}

function renderSpan(span: MarkedSpan, index: number) {
  const style: CSSProperties = {};
  if (span.fg) style.color = span.fg;
  if (span.bg) style.backgroundColor = span.bg;
  if (span.bold) style.fontWeight = 700;
  if (span.dim) style.opacity = 0.7;
  if (span.italic) style.fontStyle = 'italic';
  if (span.underline) style.textDecoration = 'underline';
  const content = Object.keys(style).length === 0 ? span.text : <span style={style}>{span.text}</span>;
  if (span.mark) {
    return (
      <mark key={index} className={span.mark === 'current' ? 'current' : undefined}>
        {content}
      </mark>
    );
  }
  return typeof content === 'string' ? <span key={index}>{content}</span> : <span key={index}>{content}</span>;
}
