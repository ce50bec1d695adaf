export type AnsiColor = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

const codes: Record<AnsiColor, number> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 };

export function paint(text: string, color: AnsiColor, enabled: boolean): string {
  return enabled ? `\u001b[${codes[color]}m${text}\u001b[39m` : text;
}
