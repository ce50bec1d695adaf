// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ matrix.x }}` is pipeline syntax under test, not a template
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { ParseResult } from './model.js';
import { parsePipeline, parsePositioned } from './parse-pipeline.js';
import { planPipeline } from './plan-pipeline.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const stageNames = ['build', 'test', 'lint', 'deploy', 'docs', 'e2e', 'pkg-1', 'a.b', 'c_d'];

const step = fc.oneof(
  fc.record({ run: fc.constantFrom('npm ci', 'npm test', 'echo ${{ matrix.os }}', 'make\nmake install') }),
  fc.record(
    { name: fc.string({ maxLength: 10 }), uses: fc.constantFrom('git-checkout', 'upload'), timeout: fc.constantFrom('10m', 30) },
    { requiredKeys: ['uses'] },
  ),
);

/** Valid pipelines: needs only point backwards, so there are no cycles; matrix stages use their axis. */
const validPipeline: fc.Arbitrary<Json> = fc.shuffledSubarray(stageNames, { minLength: 1, maxLength: 6 }).chain((names) =>
  fc
    .tuple(
      ...names.map((name, i) =>
        fc.record(
          {
            name: fc.constant(name),
            needs: fc.subarray(names.slice(0, i)),
            matrix: fc.constant({ os: ['linux', 'macos'], exclude: [{ os: 'macos' }], include: [{ os: 'bsd' }] }),
            env: fc.dictionary(fc.stringMatching(/^[A-Z]{1,4}$/), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean())),
            retry: fc.integer({ min: 0, max: 10 }),
            network: fc.boolean(),
            steps: fc.array(step, { minLength: 1, maxLength: 3 }),
          },
          { requiredKeys: ['name', 'steps'] },
        ),
      ),
    )
    .map((stages) => ({
      name: 'generated',
      env: { CI: true },
      stages: stages.map((stage) =>
        // A stage without a matrix must not reference one.
        stage.matrix ? stage : { ...stage, steps: stage.steps.map((s) => ('run' in s ? { run: s.run.replaceAll('${{ matrix.os }}', 'x') } : s)) },
      ),
    }) as unknown as Json),
);

const junk = fc.string({
  unit: fc.constantFrom(':', '- ', ' ', '\n', '\t', '{', '}', '[', ']', ',', '&a ', '*a', '!!', '%', '#', '"', "'", '|', '>', '${{', '---', 'x', '7', 'é', '\u0000', '\uFEFF', '\r'),
  maxLength: 16,
});

const otherValue = fc.constantFrom<Json>(null, true, 0, -1, 1.5, '', 'x', '10x', [], [1], {}, { a: 1 });

const structuralMutation = fc.record({
  kind: fc.constantFrom('delete', 'rename', 'retype'),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom('need', 'step', 'nme', 'matrix', 'if', 'run', 'uses'), fc.string({ maxLength: 5 })),
  value: otherValue,
});

const textMutation = fc.record({
  kind: fc.constantFrom('insert', 'truncate', 'duplicate-line', 'delete-line', 'indent'),
  at: fc.nat(),
  junk,
});

function listPaths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...listPaths(child, [...prefix, key])]);
}

function mutateStructure(root: Json, mutation: { kind: string; at: number; key: string; value: Json }): Json {
  const copy = structuredClone(root);
  const paths = listPaths(copy);
  if (paths.length === 0) return copy;
  const path = paths[mutation.at % paths.length]!;
  let parent = copy as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (mutation.kind === 'retype') parent[last] = mutation.value;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else {
    const value = parent[last]!;
    delete parent[last];
    if (mutation.kind === 'rename') parent[mutation.key] = value;
  }
  return copy;
}

function mutateText(text: string, mutation: { kind: string; at: number; junk: string }): string {
  const at = mutation.at % (text.length + 1);
  const lines = text.split('\n');
  const line = mutation.at % lines.length;
  switch (mutation.kind) {
    case 'insert':
      return text.slice(0, at) + mutation.junk + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate-line':
      lines.splice(line, 0, lines[line]!);
      return lines.join('\n');
    case 'delete-line':
      lines.splice(line, 1);
      return lines.join('\n');
    default:
      lines[line] = mutation.at % 2 === 0 ? ` ${lines[line]}` : lines[line]!.replace(/^ /, '');
      return lines.join('\n');
  }
}

function expectWellFormed(result: ParseResult, text: string): void {
  if (result.ok) {
    expect(result.diagnostics).toEqual([]);
    expect(() => planPipeline(result.pipeline)).not.toThrow();
    return;
  }
  expect(result.diagnostics.length).toBeGreaterThan(0);
  const lineCount = text.split(/\r\n|\r|\n/).length;
  // One expect over all problems: cheaper per run, and a failure shows every bad diagnostic.
  const malformed = result.diagnostics.filter(
    (d) =>
      d.file !== 'p.yml' ||
      !(d.line >= 1 && d.line <= lineCount + 1 && d.col >= 1) ||
      typeof d.path !== 'string' ||
      d.message.length === 0 ||
      // An internal error means some check threw; the wrapper hid it, but it is still a bug.
      d.message.startsWith('internal error'),
  );
  expect(malformed).toEqual([]);
}

function serialize(value: Json, flow: boolean): string {
  return stringify(value, flow ? { collectionStyle: 'flow' } : {});
}

describe('parsePipeline never throws and always explains itself', () => {
  test('generated valid pipelines parse and plan', () => {
    fc.assert(
      fc.property(validPipeline, fc.boolean(), (pipeline, flow) => {
        const text = serialize(pipeline, flow);
        const result = parsePipeline(text, 'p.yml');
        expect(result.diagnostics).toEqual([]);
        expectWellFormed(result, text);
      }),
      { numRuns: 100 },
    );
  });

  test('deleted keys, renamed keys and changed value types', () => {
    fc.assert(
      fc.property(validPipeline, fc.array(structuralMutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (pipeline, mutations, flow) => {
        const mutated = mutations.reduce<Json>((value, mutation) => mutateStructure(value, mutation), pipeline);
        const text = serialize(mutated, flow);
        expectWellFormed(parsePipeline(text, 'p.yml'), text);
      }),
      { numRuns: 300 },
    );
  });

  test('junk text, truncation, duplicated and deleted lines, broken indentation', () => {
    fc.assert(
      fc.property(validPipeline, fc.array(textMutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (pipeline, mutations, flow) => {
        const text = mutations.reduce((value, mutation) => mutateText(value, mutation), serialize(pipeline, flow));
        expectWellFormed(parsePipeline(text, 'p.yml'), text);
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), junk), (text) => {
        expectWellFormed(parsePipeline(text, 'p.yml'), text);
      }),
      { numRuns: 300 },
    );
  });

  // parsePipeline answers valid files from a fast js-yaml read; the positioned `yaml` read is the
  // authority. Whatever the input, both must accept the same files with the same meaning.
  test('the fast path accepts exactly what the positioned parse accepts, with the same result', () => {
    const input = fc.oneof(
      validPipeline.chain((p) => fc.boolean().map((flow) => serialize(p, flow))),
      fc
        .tuple(validPipeline, fc.array(structuralMutation, { minLength: 1, maxLength: 2 }), fc.boolean())
        .map(([p, ms, flow]) => serialize(ms.reduce<Json>((v, m) => mutateStructure(v, m), p), flow)),
      fc
        .tuple(validPipeline, fc.array(textMutation, { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([p, ms, flow]) => ms.reduce((v, m) => mutateText(v, m), serialize(p, flow))),
    );
    fc.assert(
      fc.property(input, (text) => {
        const fast = parsePipeline(text, 'p.yml');
        const positioned = parsePositioned(text, 'p.yml');
        expect(fast.ok).toBe(positioned.ok);
        if (fast.ok && positioned.ok) expect(fast.pipeline).toEqual(positioned.pipeline);
      }),
      // Found by this property once: a lone carriage return, a line break to js-yaml only.
      { numRuns: 400, examples: [['\rname: generated\nenv:\n  CI: true\nstages:\n  - name: lint\n    steps:\n      - uses: git-checkout\n']] },
    );
  });
});
