import { describe, expect, it } from 'vitest';
import { createAnsiState, parseAnsiLines } from './ansi-to-spans.js';

const parse = (text: string) => parseAnsiLines(createAnsiState(), text).lines;

describe('parseAnsiLines', () => {
  it('splits lines and keeps plain text as one span', () => {
    expect(parse('hello\nworld\n')).toEqual([[{ text: 'hello' }], [{ text: 'world' }]]);
  });

  it('applies palette colours, bold and reset', () => {
    expect(parse('a \x1b[1;31mred\x1b[0m b\n')).toEqual([[{ text: 'a ' }, { text: 'red', bold: true, fg: 'var(--ansi-1)' }, { text: ' b' }]]);
    expect(parse('\x1b[92mok\x1b[39m done\n')).toEqual([[{ text: 'ok', fg: 'var(--ansi-10)' }, { text: ' done' }]]);
  });

  it('reads 256-colour and true-colour codes, foreground and background', () => {
    expect(parse('\x1b[38;5;196mx\x1b[48;2;1;2;300my\n')).toEqual([[{ text: 'x', fg: 'rgb(255, 0, 0)' }, { text: 'y', fg: 'rgb(255, 0, 0)', bg: 'rgb(1, 2, 255)' }]]);
    expect(parse('\x1b[38;5;244mgrey\n')).toEqual([[{ text: 'grey', fg: 'rgb(128, 128, 128)' }]]);
  });

  it('carries the style across lines and chunks, and waits for an escape cut in two', () => {
    const first = parseAnsiLines(createAnsiState(), 'one \x1b[3');
    expect(first.lines).toEqual([]);
    const second = parseAnsiLines(first.state, '2mgreen\nstill\x1b[0m plain\n');
    expect(second.lines).toEqual([[{ text: 'one ' }, { text: 'green', fg: 'var(--ansi-2)' }], [{ text: 'still', fg: 'var(--ansi-2)' }, { text: ' plain' }]]);
  });

  it('drops cursor and title sequences and keeps only the last carriage-return redraw', () => {
    expect(parse('\x1b]0;title\x07\x1b[2K 10%\r 50%\r100%\r\n')).toEqual([[{ text: '100%' }]]);
  });

  it('turns off one attribute without touching the others', () => {
    expect(parse('\x1b[1;4;33mx\x1b[22my\x1b[24mz\n')).toEqual([
      [{ text: 'x', bold: true, underline: true, fg: 'var(--ansi-3)' }, { text: 'y', underline: true, fg: 'var(--ansi-3)' }, { text: 'z', fg: 'var(--ansi-3)' }],
    ]);
  });

  it('returns the unfinished last line on flush without consuming it', () => {
    const result = parseAnsiLines(createAnsiState(), 'done\n\x1b[31mhalf\x1b[', true);
    expect(result.lines).toEqual([[{ text: 'done' }]]);
    expect(result.partial).toEqual([{ text: 'half', fg: 'var(--ansi-1)' }]);
    expect(parseAnsiLines(result.state, '0m rest\n').lines).toEqual([[{ text: 'half', fg: 'var(--ansi-1)' }, { text: ' rest' }]]);
  });
});
