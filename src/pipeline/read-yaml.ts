import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit, type YAMLError } from 'yaml';
import type { Diagnostic } from './model.js';

export const MAX_PIPELINE_BYTES = 1024 * 1024;

/** yaml's default; it bounds the output of alias bombs (`a: &a [*b, *b, ...]` chains). */
const MAX_ALIAS_COUNT = 100;

export type YamlRead =
  | { ok: true; doc: Document; lineCounter: LineCounter; data: Record<string, unknown>; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Text -> YAML document and plain data. Duplicate keys are reported but not fatal (the data is
 * still meaningful, so validation goes on and reports the rest); any other YAML error stops here,
 * because validating a half-parsed tree mostly produces noise.
 */
export function readYaml(text: string, file: string): YamlRead {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PIPELINE_BYTES) {
    const mib = (bytes / MAX_PIPELINE_BYTES).toFixed(1);
    const message = `pipeline file is ${mib} MiB; the limit is 1 MiB — move generated data out of it`;
    return { ok: false, diagnostics: [{ file, line: 1, col: 1, path: '', message }] };
  }
  const lineCounter = new LineCounter();
  // logLevel 'error': yaml would otherwise print process warnings (e.g. for list keys) to stderr.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const at = (offset: number | undefined) => {
    const { line, col } = offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
    return { file, line: Math.max(1, line), col: Math.max(1, col), path: '' };
  };
  const diagnostics = doc.errors.map((error) => ({ ...at(error.pos[0]), message: describeYamlError(error, text) }));
  if (doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return { ok: false, diagnostics };

  const complexKeys = findComplexKeyOffsets(doc);
  if (complexKeys.length > 0) {
    const message = 'a key must be a plain name, not a list, mapping or alias — quote it if it is meant as text';
    return { ok: false, diagnostics: [...diagnostics, ...complexKeys.map((offset) => ({ ...at(offset), message }))] };
  }
  const contents = doc.contents;
  if (contents === null) {
    const message = 'pipeline file is empty — add `name:` and `stages:` (see schema/pipeline.schema.json)';
    return { ok: false, diagnostics: [...diagnostics, { ...at(undefined), message }] };
  }
  if (!isMap(contents)) {
    const got = isSeq(contents) ? 'a list' : 'a single value';
    const message = `the top level must be a mapping with \`name:\` and \`stages:\`, got ${got}`;
    return { ok: false, diagnostics: [...diagnostics, { ...at(contents.range?.[0]), message }] };
  }
  try {
    const data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
    return { ok: true, doc, lineCounter, data, diagnostics };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const message = `aliases expand too much (over ${MAX_ALIAS_COUNT} uses of a nested anchor) — write the values out instead of reusing anchors`;
    return { ok: false, diagnostics: [...diagnostics, { ...at(findFirstAliasOffset(doc)), message }] };
  }
}

function describeYamlError(error: YAMLError, text: string): string {
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = /^("[^"\n]*"|'[^'\n]*'|[^:,}\n]*)/.exec(text.slice(error.pos[0], error.pos[0] + 200))?.[1]?.trim();
      return `duplicate key '${key ?? ''}' — YAML keeps only the last one; remove or rename one of them`;
    }
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document — a pipeline is one document; remove the `---` line';
    case 'RESOURCE_EXHAUSTION':
      return 'the YAML is nested too deeply to read — a pipeline needs only a few levels of nesting';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation in YAML — indent with spaces';
    default: {
      const what = error.message.charAt(0).toLowerCase() + error.message.slice(1);
      return `YAML syntax error: ${what} — check the indentation, quotes and brackets here`;
    }
  }
}

/** Keys that are lists, mappings or aliases. A plain walk: yaml's `visit` costs 2x `toJS` here. */
function findComplexKeyOffsets(doc: Document): (number | undefined)[] {
  const offsets: (number | undefined)[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    // A flow sequence can hold single pairs (`[a: 1]`), whose keys count too.
    const pairs = isMap(node) ? node.items : isSeq(node) ? node.items.filter(isPair) : [];
    for (const pair of pairs) {
      if (pair.key !== null && !isScalar(pair.key)) offsets.push((pair.key as Node).range?.[0]);
      stack.push(pair.value);
    }
    if (isSeq(node)) for (const item of node.items) if (!isPair(item)) stack.push(item);
  }
  return offsets.sort((a, b) => (a ?? 0) - (b ?? 0));
}

function findFirstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}
