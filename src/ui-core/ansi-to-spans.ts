/** A run of text with one style. Colours are CSS values: `var(--ansi-N)` for the 16 palette colours. */
export interface AnsiSpan {
  text: string;
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

/** The SGR style in force, plus an unfinished line or escape: carried from one chunk to the next. */
export interface AnsiState {
  style: Omit<AnsiSpan, 'text'>;
  /** Text after the last newline (possibly ending inside an escape sequence). */
  pending: string;
}

export function createAnsiState(): AnsiState {
  return { style: {}, pending: '' };
}

// CSI sequences (colours, cursor moves, erases) and OSC sequences (titles, hyperlinks), which a log viewer drops.
const escapePattern = /\x1b\[([0-9;?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
// An escape cut off by the end of a chunk: kept pending until the rest arrives.
const unfinishedEscape = /\x1b(?:\[[0-9;?]*|\][^\x07\x1b]*)?$/;

/**
 * Parses `chunk` (appended to what `state` holds) into complete lines of spans. Returns the finished
 * lines and the state to pass with the next chunk; `flush` also returns the unfinished last line
 * (for showing a log whose last line has no newline yet) without consuming it.
 */
export function parseAnsiLines(state: AnsiState, chunk: string, flush = false): { lines: AnsiSpan[][]; state: AnsiState; partial?: AnsiSpan[] } {
  const text = state.pending + chunk;
  const cut = text.lastIndexOf('\n');
  const complete = cut === -1 ? '' : text.slice(0, cut);
  const rest = cut === -1 ? text : text.slice(cut + 1);
  let style = state.style;
  const lines: AnsiSpan[][] = [];
  if (cut !== -1) {
    for (const raw of complete.split('\n')) {
      const parsed = parseLine(raw, style);
      lines.push(parsed.spans);
      style = parsed.style;
    }
  }
  const next: AnsiState = { style, pending: rest };
  if (!flush) return { lines, state: next };
  const visible = rest.replace(unfinishedEscape, '');
  return { lines, state: next, partial: parseLine(visible, style).spans };
}

function parseLine(raw: string, start: AnsiState['style']): { spans: AnsiSpan[]; style: AnsiState['style'] } {
  // A carriage return redraws the line (progress bars): only what was written after the last one stays.
  const line = lastRedraw(raw);
  const spans: AnsiSpan[] = [];
  let style = start;
  let at = 0;
  const emit = (text: string) => {
    if (text === '') return;
    const previous = spans.at(-1);
    if (previous && sameStyle(previous, style)) previous.text += text;
    else spans.push({ text, ...style });
  };
  for (const match of line.matchAll(escapePattern)) {
    emit(line.slice(at, match.index));
    at = match.index + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  emit(line.slice(at).replace(unfinishedEscape, ''));
  return { spans, style };
}

function lastRedraw(raw: string): string {
  const trimmed = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const cr = trimmed.lastIndexOf('\r');
  return cr === -1 ? trimmed : trimmed.slice(cr + 1);
}

function sameStyle(a: AnsiSpan, b: AnsiState['style']): boolean {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline;
}

function applySgr(current: AnsiState['style'], params: string): AnsiState['style'] {
  const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
  let style: AnsiState['style'] = { ...current };
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i]!;
    if (code === 0) style = {};
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) style = without(style, 'bold', 'dim');
    else if (code === 23) style = without(style, 'italic');
    else if (code === 24) style = without(style, 'underline');
    else if (code >= 30 && code <= 37) style.fg = paletteColour(code - 30);
    else if (code >= 90 && code <= 97) style.fg = paletteColour(code - 90 + 8);
    else if (code === 39) style = without(style, 'fg');
    else if (code >= 40 && code <= 47) style.bg = paletteColour(code - 40);
    else if (code >= 100 && code <= 107) style.bg = paletteColour(code - 100 + 8);
    else if (code === 49) style = without(style, 'bg');
    else if (code === 38 || code === 48) {
      const { colour, used } = extendedColour(codes, i + 1);
      if (colour !== undefined) {
        if (code === 38) style.fg = colour;
        else style.bg = colour;
      }
      i += used;
    }
  }
  return style;
}

function without(style: AnsiState['style'], ...keys: (keyof AnsiState['style'])[]): AnsiState['style'] {
  const copy = { ...style };
  for (const key of keys) delete copy[key];
  return copy;
}

function paletteColour(index: number): string {
  return `var(--ansi-${index})`;
}

/** `5;n` (256 colours) or `2;r;g;b` (true colour) after a 38/48; returns how many codes it took. */
function extendedColour(codes: number[], from: number): { colour?: string; used: number } {
  const mode = codes[from];
  if (mode === 5) {
    const n = codes[from + 1];
    if (n === undefined || n < 0 || n > 255) return { used: 2 };
    return { colour: colour256(n), used: 2 };
  }
  if (mode === 2) {
    const [r, g, b] = [codes[from + 1], codes[from + 2], codes[from + 3]];
    if (r === undefined || g === undefined || b === undefined) return { used: 4 };
    return { colour: `rgb(${clamp(r)}, ${clamp(g)}, ${clamp(b)})`, used: 4 };
  }
  return { used: 0 };
}

function colour256(n: number): string {
  if (n < 16) return paletteColour(n);
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level}, ${level}, ${level})`;
  }
  const index = n - 16;
  const step = (value: number) => (value === 0 ? 0 : 55 + value * 40);
  return `rgb(${step(Math.floor(index / 36))}, ${step(Math.floor(index / 6) % 6)}, ${step(index % 6)})`;
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, value));
}
