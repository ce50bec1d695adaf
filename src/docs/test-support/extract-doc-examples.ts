/**
 * docs/*.md → the fenced examples and relative links the docs test checks. Pure: text in, data out.
 *
 * An example's info string names its language, then its kind, then attributes:
 * "```yaml pipeline file=.pipeline.yml" is a pipeline written to .pipeline.yml before shell examples
 * run; "```yaml pipeline invalid" is one the parser must refuse. An expectation block (`text
 * diagnostics`, `text jobs`, `text output`, `text error`) belongs to the example just before it.
 */

export interface DocBlock {
  /** The markdown file, as given. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** First word of the info string, e.g. `yaml`; '' when there is none. */
  lang: string;
  /** Second word when it is not an attribute, e.g. `pipeline`; '' when there is none. */
  kind: string;
  /** `file=x` → { file: 'x' }; a bare word such as `invalid` → { invalid: true }. */
  attrs: Record<string, string | true>;
  /** The content, fence indentation removed, ending with a newline unless empty. */
  body: string;
}

export interface DocLink {
  doc: string;
  line: number;
  /** As written, e.g. `operations.md#backup` or `../README.md`. */
  target: string;
  /** The path part: no `#fragment`, no `?query`; '' for a same-page `#anchor`. */
  path: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** Every fenced code block of a CommonMark document (an unclosed one runs to the end, as in CommonMark). */
export function extractFencedBlocks(markdown: string, doc: string): DocBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    // A backtick fence's info string may not contain a backtick (it would be inline code).
    if (fence[0] === '`' && info.includes('`')) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(stripIndent(lines[j]!, indent.length));
    }
    blocks.push({ doc, line: i + 1, ...parseInfo(info), body: body.length === 0 ? '' : `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

/** `yaml pipeline file=a.yml invalid` → lang, kind and attributes. */
export function parseInfo(info: string): Pick<DocBlock, 'lang' | 'kind' | 'attrs'> {
  const words = info.trim().split(/\s+/).filter((word) => word !== '');
  const lang = words[0] ?? '';
  const rest = words.slice(1);
  const kind = rest[0] !== undefined && !rest[0].includes('=') ? rest.shift()! : '';
  const attrs: Record<string, string | true> = {};
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq === -1) attrs[word] = true;
    else attrs[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return { lang, kind, attrs };
}

function stripIndent(line: string, indent: number): string {
  let n = 0;
  while (n < indent && line[n] === ' ') n++;
  return line.slice(n);
}

/** Inline links and images whose target is not a URL with a scheme: `[x](a.md)`, `![x](shot.png)`. */
export function extractRelativeLinks(markdown: string, doc: string): DocLink[] {
  const links: DocLink[] = [];
  forEachProseLine(markdown, (raw, i) => {
    // Code spans are text, not links.
    const line = raw.replace(/(`+)[^`]*?\1/g, '');
    for (const match of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ doc, line: i + 1, target, path: target.split(/[#?]/)[0]! });
    }
  });
  return links;
}

/**
 * The anchors GitHub gives a document's headings: lower case, punctuation dropped (letters, digits,
 * spaces, - and _ kept), spaces as `-`, a repeated heading suffixed -1, -2, ...
 */
export function listHeadingAnchors(markdown: string): string[] {
  const anchors: string[] = [];
  const seen = new Map<string, number>();
  forEachProseLine(markdown, (line) => {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!heading) return;
    const base = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.push(count === 0 ? base : `${base}-${count}`);
  });
  return anchors;
}

/** Calls `visit` with each line outside fenced code blocks and its 0-based index. */
function forEachProseLine(markdown: string, visit: (line: string, index: number) => void): void {
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((line, i) => {
    if (fence === undefined) {
      const open = FENCE.exec(line);
      if (open) fence = open[2]!;
      else visit(line, i);
      return;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) fence = undefined;
  });
}

/**
 * `A=1 B='two words' slipway server` and `export A=1` lines → { A: '1', B: 'two words' }. Comments
 * and the command after the assignments are ignored; the values are what a shell would pass.
 */
export function readEnvAssignments(script: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of script.split('\n')) {
    let rest = raw.replace(/^\s*export\s+/, '').trimStart();
    for (;;) {
      const match = /^([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|[^\s'"#]*)(\s+|$)/.exec(rest);
      if (!match) break;
      env[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
      rest = rest.slice(match[0].length);
    }
  }
  return env;
}

/** Kinds that say what the example before them must produce. */
export const EXPECTATION_KINDS = ['diagnostics', 'jobs', 'output', 'error'] as const;
export type ExpectationKind = (typeof EXPECTATION_KINDS)[number];

export interface DocExample {
  block: DocBlock;
  /** The `text <expectation>` block right after it, if any. */
  expect?: DocBlock & { kind: ExpectationKind };
}

/**
 * Blocks → examples, each with the expectation block that follows it. Problems (a block of no known
 * kind, an expectation with nothing before it) are returned, not thrown, so the test lists them all.
 */
export function pairExamples(blocks: readonly DocBlock[], knownKinds: readonly string[]): { examples: DocExample[]; problems: string[] } {
  const examples: DocExample[] = [];
  const problems: string[] = [];
  const where = (block: DocBlock) => `${block.doc}:${block.line}`;
  blocks.forEach((block, i) => {
    const info = [block.lang, block.kind].filter(Boolean).join(' ');
    if ((EXPECTATION_KINDS as readonly string[]).includes(block.kind) && block.lang === 'text') {
      const previous = examples.at(-1);
      if (previous === undefined || previous.expect !== undefined || blocks[i - 1] !== previous.block) {
        problems.push(`${where(block)}: \`text ${block.kind}\` must follow the example it describes`);
      } else previous.expect = block as DocBlock & { kind: ExpectationKind };
      return;
    }
    if (!knownKinds.includes(`${block.lang} ${block.kind}`)) {
      const known = [...knownKinds, ...EXPECTATION_KINDS.map((kind) => `text ${kind}`)].join(', ');
      problems.push(`${where(block)}: fenced block \`${info || '(no info string)'}\` has no kind the docs test knows — use one of: ${known}`);
      return;
    }
    examples.push({ block });
  });
  return { examples, problems };
}

/**
 * Whether `actual` output shows every line of `expected`, in order: each expected line must equal a
 * later actual line (trailing spaces ignored), where `…` stands for any text. Blank expected lines
 * are skipped. Returns the first expected line not found, or undefined when all were.
 */
export function findMissingLine(expected: string, actual: string): string | undefined {
  const actualLines = actual.split('\n').map((line) => line.trimEnd());
  let from = 0;
  for (const want of expected.split('\n').map((line) => line.trimEnd())) {
    if (want.trim() === '') continue;
    const pattern = new RegExp(`^${want.split('…').map(escapeRegExp).join('.*')}$`);
    const found = actualLines.findIndex((line, i) => i >= from && pattern.test(line));
    if (found === -1) return want;
    from = found + 1;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

