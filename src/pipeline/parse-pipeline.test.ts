// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ matrix.x }}` is pipeline syntax under test, not a template
import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from './format-diagnostic.js';
import type { Diagnostic } from './model.js';
import { parsePipeline } from './parse-pipeline.js';
import { EXAMPLE_PIPELINE } from './test-support/example-pipeline.js';

const EXAMPLE = EXAMPLE_PIPELINE;

/** `line:col path: message` for each diagnostic, so a test states position and text together. */
function diagnose(text: string): string[] {
  const result = parsePipeline(text, 'p.yml');
  expect(result.ok).toBe(false);
  return result.diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`);
}

function only(text: string): string {
  const all = diagnose(text);
  expect(all).toHaveLength(1);
  return all[0]!;
}

/** A valid one-stage pipeline with `stage` lines spliced into the stage (4-space indented). */
function withStage(...lines: string[]): string {
  return ['name: p', 'stages:', '  - name: a', ...lines.map((l) => `    ${l}`)].join('\n');
}

describe('parsePipeline on valid input', () => {
  test('the example parses into the model with defaults filled and durations in ms', () => {
    const result = parsePipeline(EXAMPLE, 'p.yml');
    expect(result).toMatchObject({ ok: true, diagnostics: [] });
    if (!result.ok) return;
    const { pipeline } = result;
    expect(pipeline.name).toBe('Build and Deploy');
    expect(pipeline.trigger).toEqual({ branches: ['main', 'release/*'], paths: ['src/**'] });
    expect(pipeline.env).toEqual({ NODE_ENV: 'test' });
    expect(pipeline.stages.map((s) => s.name)).toEqual(['build', 'deploy']);
    const [build, deploy] = pipeline.stages;
    expect(build).toMatchObject({ needs: [], if: 'success', network: true, retry: 0, runsOn: [], cache: [] });
    expect(build!.steps[0]).toEqual({
      name: 'checkout',
      uses: 'git-checkout',
      with: {},
      env: {},
      retry: 0,
      continueOnError: false,
    });
    expect(build!.steps[2]).toMatchObject({ name: 'test', run: 'npm test', timeoutMs: 600_000, retry: 1 });
    expect(deploy).toMatchObject({ needs: ['build'], environment: 'production' });
  });

  test('shorthands widen and every optional key lands in the model', () => {
    const text = `name: p
stages:
  - name: a
    needs: b
    if: '\${{ always() }}'
    continue-on-error: true
    env: { PORT: 8080, DEBUG: false }
    timeout: 1h30m
    retry: 2
    working-directory: app
    runs-on: linux
    network: false
    artifacts: { paths: [dist], expire-in: 7d }
    cache: { key: npm, paths: [~/.npm] }
    steps:
      - run: |
          echo one
          echo two
        with: { n: 1 }
        network: true
        timeout: 90
  - name: b
    if: failure
    artifacts: [out.txt]
    cache: [{ key: k, paths: [p], restore-keys: [k-] }]
    steps: [{ uses: git-checkout }]
`;
    const result = parsePipeline(text, 'p.yml');
    expect(result.diagnostics).toEqual([]);
    if (!result.ok) return;
    const [a, b] = result.pipeline.stages;
    expect(a).toMatchObject({
      needs: ['b'],
      if: 'always',
      continueOnError: true,
      env: { PORT: '8080', DEBUG: 'false' },
      timeoutMs: 5_400_000,
      retry: 2,
      workingDirectory: 'app',
      runsOn: ['linux'],
      network: false,
      artifacts: { paths: ['dist'], expireInMs: 7 * 86_400_000 },
      cache: [{ key: 'npm', paths: ['~/.npm'], restoreKeys: [] }],
    });
    expect(a!.steps[0]).toMatchObject({ name: 'echo one', with: { n: '1' }, network: true, timeoutMs: 90_000 });
    expect(b).toMatchObject({ if: 'failure', artifacts: { paths: ['out.txt'] } });
    expect(b!.cache).toEqual([{ key: 'k', paths: ['p'], restoreKeys: ['k-'] }]);
    expect(b!.steps[0]!.name).toBe('git-checkout');
  });

  test.each([
    ['success()', 'success'],
    ['failure()', 'failure'],
    ['always', 'always'],
    ["'${{ failure() }}'", 'failure'],
    ["'${{always}}'", 'always'],
  ])('if: %s means %s', (written, meaning) => {
    const result = parsePipeline(withStage(`if: ${written}`, 'steps: [{ run: x }]'), 'p.yml');
    expect(result.ok && result.pipeline.stages[0]!.if).toBe(meaning);
  });
});

describe('parsePipeline reports each kind of error at its position', () => {
  test('unknown keys point at the key and suggest the closest known one', () => {
    expect(only(withStage('need: [b]', 'steps: [{ run: x }]'))).toBe(
      "4:5 stages[0].need: unknown key 'need' — did you mean 'needs'?",
    );
    expect(only(withStage('steps: [{ run: x, timout: 5m }]'))).toBe(
      "4:23 stages[0].steps[0].timout: unknown key 'timout' — did you mean 'timeout'?",
    );
    expect(only(withStage('steps: [{ run: x, script: y }]'))).toBe(
      "4:23 stages[0].steps[0].script: unknown key 'script' — did you mean 'run'?",
    );
    expect(only(`name: p\nstages: [{ name: a, steps: [{ run: x }] }]\nzzz: 1\n`)).toBe(
      "3:1 zzz: unknown key 'zzz' — remove it or use one of: name, trigger, env, concurrency, priority, stages",
    );
  });

  test('duplicate stage names point at the second', () => {
    const text = `name: p\nstages:\n  - name: a\n    steps: [{ run: x }]\n  - name: a\n    steps: [{ run: y }]\n`;
    expect(only(text)).toBe(
      "5:11 stages[1].name: duplicate stage name 'a' (also stages[0]) — stage names must be unique; rename this one",
    );
  });

  test('unknown needs suggest the closest stage name', () => {
    const text = `name: p\nstages:\n  - name: build\n    steps: [{ run: x }]\n  - name: test\n    needs: [biuld]\n    steps: [{ run: y }]\n`;
    expect(only(text)).toBe("6:13 stages[1].needs[0]: unknown stage 'biuld' in needs — did you mean 'build'?");
  });

  test('a needs cycle names its path and points at the first stage’s need', () => {
    const text = [
      'name: p',
      'stages:',
      '  - { name: a, needs: [c], steps: [{ run: x }] }',
      '  - { name: b, needs: a, steps: [{ run: x }] }',
      '  - { name: c, needs: [ok, b], steps: [{ run: x }] }',
      '  - { name: ok, steps: [{ run: x }] }',
    ].join('\n');
    expect(only(text)).toBe(
      '3:24 stages[0].needs[0]: needs cycle: a → c → b → a — stages cannot wait for each other; remove one of these needs',
    );
  });

  test('a stage that needs itself', () => {
    expect(only(withStage('needs: [a]', 'steps: [{ run: x }]'))).toBe(
      "4:13 stages[0].needs[0]: stage 'a' needs itself — remove 'a' from its needs",
    );
  });

  test('a step with both run and uses points at the later key; with neither, at the step', () => {
    expect(only(withStage('steps:', '  - uses: a', '    run: b'))).toBe(
      "6:9 stages[0].steps[0].run: step has both 'run' and 'uses' — a step does one of them; split it into two steps",
    );
    expect(only(withStage('steps:', '  - name: lint', '    env: { A: b }'))).toBe(
      "5:9 stages[0].steps[0]: step 'lint' has none of 'run', 'uses' or 'approval' — add `run: <command>`, `uses: <action>` or `approval: {approvers: 1}`",
    );
  });

  test('bad durations point at the value', () => {
    expect(only(withStage('timeout: 10 min', 'steps: [{ run: x }]'))).toBe(
      "4:14 stages[0].timeout: 'timeout' must be a duration like 30s, 10m, 1h30m, 500ms, or a number of seconds, got '10 min'",
    );
    expect(only(withStage('steps: [{ run: x, timeout: 0s }]'))).toBe(
      "4:32 stages[0].steps[0].timeout: 'timeout' must be longer than 0, got '0s'",
    );
    expect(only(withStage('timeout: true', 'steps: [{ run: x }]'))).toContain("4:14 stages[0].timeout: 'timeout' must be a duration");
    // Longer than a timer can wait: refused here rather than firing at once in the runner.
    expect(only(withStage('timeout: 25d', 'steps: [{ run: x }]'))).toContain("4:14 stages[0].timeout: 'timeout' must be at most 24d");
    expect(parsePipeline(withStage('steps: [{ run: x, timeout: 24d }]'), 'p.yml').ok).toBe(true);
  });

  test('a bad if points at the value', () => {
    expect(only(withStage('if: sometimes()', 'steps: [{ run: x }]'))).toBe(
      "4:9 stages[0].if: 'if' must be success(), failure() or always() (also '${{ always() }}'), got 'sometimes()'",
    );
  });

  test('empty pipeline, empty stages, empty steps', () => {
    expect(only('')).toBe('1:1 : pipeline file is empty — add `name:` and `stages:` (see schema/pipeline.schema.json)');
    expect(only('# only a comment\n')).toContain('1:1 : pipeline file is empty');
    expect(only('name: p\nstages: []\n')).toBe("2:9 stages: 'stages' must not be empty — add at least one stage");
    expect(only('name: p\nstages:\n')).toBe("2:1 stages: 'stages' must be a list, got nothing (null)");
    expect(only(withStage('steps: []'))).toBe(
      "4:12 stages[0].steps: 'steps' must not be empty — add at least one step with run or uses",
    );
  });

  test('missing required keys point at the mapping that lacks them', () => {
    expect(only('stages: [{ name: a, steps: [{ run: x }] }]\n')).toBe(
      "1:1 name: missing required key 'name' — add `name: <title>` at the top of the file",
    );
    expect(only('name: p\nstages:\n  - name: a\n')).toBe(
      "3:5 stages[0].steps: missing required key 'steps' — add `steps:` with at least one `run:` or `uses:` step",
    );
  });

  test('matrix: an empty axis, an exclude key that is no axis, nothing to expand', () => {
    expect(only(withStage('matrix: { os: [] }', 'steps: [{ run: x }]'))).toBe(
      "4:19 stages[0].matrix.os: 'os' must not be empty — list at least one value, e.g. [linux, macos]",
    );
    expect(only(withStage('matrix:', '  node: [18, 20]', '  exclude: [{ nod: 18 }]', 'steps: [{ run: x }]'))).toBe(
      "6:19 stages[0].matrix.exclude[0].nod: exclude key 'nod' is not a matrix axis — did you mean 'node'?",
    );
    expect(only(withStage('matrix: {}', 'steps: [{ run: x }]'))).toBe(
      '4:13 stages[0].matrix: matrix has no axes — add one like `os: [linux, macos]`, or an `include:` list',
    );
    expect(only(withStage('matrix: { os: [a], exclude: [{ os: a }] }', 'steps: [{ run: x }]'))).toBe(
      "4:13 stages[0].matrix: matrix excludes every combination, so stage 'a' would run no jobs — remove an exclude entry",
    );
    const axes = Array.from({ length: 9 }, (_, i) => `a${i}: [1, 2]`).join(', ');
    expect(only(withStage(`matrix: { ${axes} }`, 'steps: [{ run: x }]'))).toContain(
      'matrix expands to 512 jobs; the limit is 256 per stage',
    );
    const manyAxes = Array.from({ length: 40 }, (_, i) => `a${i}: [1, 2]`).join(', ');
    expect(only(withStage(`matrix: { ${manyAxes} }`, 'steps: [{ run: x }]'))).toContain(
      'matrix expands to more than 4096 jobs; the limit is 256 per stage',
    );
  });

  test('matrix references must name a matrix key of their stage', () => {
    expect(only(withStage('matrix: { os: [linux] }', 'steps: [{ run: "echo ${{ matrix.oss }}" }]'))).toBe(
      "5:20 stages[0].steps[0].run: unknown matrix key 'oss' in '${{ matrix.oss }}' — did you mean 'os'?",
    );
    expect(only(withStage('env: { OS: "${{ matrix.os }}" }', 'steps: [{ run: x }]'))).toBe(
      "4:16 stages[0].env.OS: '${{ matrix.os }}' refers to a matrix, but this stage has no `matrix:` — add one or remove the reference",
    );
  });

  test('duplicate YAML keys point at the second and do not stop validation', () => {
    expect(diagnose('name: p\nname: q\nstages: []\n')).toEqual([
      "2:1 : duplicate key 'name' — YAML keeps only the last one; remove or rename one of them",
      "3:9 stages: 'stages' must not be empty — add at least one stage",
    ]);
  });

  test('YAML syntax errors carry their position and stop before validation', () => {
    expect(diagnose('name: p\nstages:\n  - name: a\n   steps: [x\n')).toEqual([
      '4:1 : YAML syntax error: sequence item without - indicator — check the indentation, quotes and brackets here',
      '5:1 : YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ] — check the indentation, quotes and brackets here',
    ]);
    // yaml notices the missing quote at the end of the input, so that is where it points.
    expect(only('name: "p\n')).toBe('2:1 : YAML syntax error: missing closing "quote — check the indentation, quotes and brackets here');
    expect(only('name: p\nstages:\n\t- name: a\n')).toBe(
      '3:1 : tabs are not allowed as indentation in YAML — indent with spaces',
    );
    expect(only('name: p\n---\nname: q\n')).toBe(
      '2:1 : the file holds more than one YAML document — a pipeline is one document; remove the `---` line',
    );
  });

  test('a list or mapping used as a key is refused where it is', () => {
    const message = 'a key must be a plain name, not a list, mapping or alias — quote it if it is meant as text';
    expect(only('name: p\n? [a, b]\n: x\nstages: []\n')).toBe(`2:3 : ${message}`);
    expect(only('name: p\nstages: [{ name: a, steps: [{ run: x, env: [{a: 1}: 2] }] }]\n')).toBe(`2:45 : ${message}`);
  });

  test('absurd nesting is refused, not a crash', () => {
    // Where yaml gives up depends on the stack size, so only the line is fixed.
    expect(diagnose(`name: p\nstages: ${'['.repeat(50_000)}`)).toContainEqual(
      expect.stringMatching(/^2:\d+ : the YAML is nested too deeply to read — a pipeline needs only a few levels/),
    );
  });

  test('a document that is not a mapping', () => {
    expect(only('- build\n- deploy\n')).toBe('1:1 : the top level must be a mapping with `name:` and `stages:`, got a list');
    expect(only('\n\n  just text\n')).toBe(
      '3:3 : the top level must be a mapping with `name:` and `stages:`, got a single value',
    );
  });

  test('an alias bomb is refused without expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(i === 1 ? '*a' : `*a${i - 1}`).join(', ')}]`);
    const started = performance.now();
    expect(only(lines.join('\n'))).toMatch(/^2:\d+ : aliases expand too much/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a few aliases are fine', () => {
    const text = 'name: p\nenv: &e { A: b }\nstages:\n  - { name: a, env: *e, steps: [{ run: x, env: *e }] }\n';
    const result = parsePipeline(text, 'p.yml');
    expect(result.ok && result.pipeline.stages[0]!.env).toEqual({ A: 'b' });
  });

  test('a 10 MB input gives one clear error, fast, without parsing', () => {
    const text = `name: p\nstages:\n${'  - { name: a, steps: [{ run: x }] }\n'.repeat(300_000)}`;
    expect(text.length).toBeGreaterThan(10_000_000);
    const started = performance.now();
    expect(only(text)).toBe('1:1 : pipeline file is 10.6 MiB; the limit is 1 MiB — move generated data out of it');
    expect(performance.now() - started).toBeLessThan(200);
  });

  test('the limit counts UTF-8 bytes, not characters', () => {
    const text = `name: p\n# ${'é'.repeat(600_000)}\nstages: [{ name: a, steps: [{ run: x }] }]\n`;
    expect(only(text)).toContain('1:1 : pipeline file is 1.1 MiB');
  });

  test('non-string input is a diagnostic, not a throw', () => {
    const result = parsePipeline(undefined as unknown as string, 'p.yml');
    expect(result.diagnostics).toEqual([
      { file: 'p.yml', line: 1, col: 1, path: '', message: 'pipeline text must be a string, got undefined' },
    ]);
  });
});

describe('parsePipeline reports every problem at once', () => {
  test('schema, reference and step errors together, sorted by position', () => {
    const text = [
      'name: p',
      'stages:',
      '  - name: build',
      '    retry: 11',
      '    steps:',
      '      - { name: c }',
      '  - name: deploy',
      '    needs: [biuld]',
      '    runs_on: x',
      '    env: { A: null }',
      '    steps: [{ run: x, timeout: soon }]',
    ].join('\n');
    expect(diagnose(text)).toEqual([
      "4:12 stages[0].retry: 'retry' must be a whole number from 0 to 10, got 11",
      "6:9 stages[0].steps[0]: step 'c' has none of 'run', 'uses' or 'approval' — add `run: <command>`, `uses: <action>` or `approval: {approvers: 1}`",
      "8:13 stages[1].needs[0]: unknown stage 'biuld' in needs — did you mean 'build'?",
      "9:5 stages[1].runs_on: unknown key 'runs_on' — did you mean 'runs-on'?",
      "10:15 stages[1].env.A: 'A' must be a string, number or boolean (quote it to be safe), got nothing (null)",
      "11:32 stages[1].steps[0].timeout: 'timeout' must be a duration like 30s, 10m, 1h30m, 500ms, or a number of seconds, got 'soon'",
    ]);
  });

  test('past 100 problems the rest are summarised in one line', () => {
    const stages = Array.from({ length: 150 }, (_, i) => `  - { name: s${i}, bogus: 1, steps: [{ run: x }] }`);
    const result = parsePipeline(`name: p\nstages:\n${stages.join('\n')}\n`, 'p.yml');
    expect(result.diagnostics).toHaveLength(100);
    expect(result.diagnostics[99]!.message).toBe('51 more problems not shown — fix the ones above first');
  });
});

test('formatDiagnostic gives file:line:col: message', () => {
  const d: Diagnostic = { file: 'ci/.pipeline.yml', line: 3, col: 5, path: 'stages[0]', message: 'bad' };
  expect(formatDiagnostic(d)).toBe('ci/.pipeline.yml:3:5: bad');
});
