import { describe, expect, it } from 'vitest';
import { extractFencedBlocks, extractRelativeLinks, findMissingLine, listHeadingAnchors, pairExamples, parseInfo, readEnvAssignments } from './extract-doc-examples.js';

describe('parseInfo', () => {
  it('reads the language, the kind and attributes', () => {
    expect(parseInfo('yaml pipeline file=ci/a.yml invalid')).toEqual({ lang: 'yaml', kind: 'pipeline', attrs: { file: 'ci/a.yml', invalid: true } });
    expect(parseInfo('sh exit=1')).toEqual({ lang: 'sh', kind: '', attrs: { exit: '1' } });
    expect(parseInfo('')).toEqual({ lang: '', kind: '', attrs: {} });
  });
});

describe('extractFencedBlocks', () => {
  it('finds backtick and tilde fences with their line, info and body', () => {
    const md = ['# t', '', '```yaml pipeline', 'name: a', '```', 'text', '~~~~sh cli exit=1', '```not a close', '~~~~', ''].join('\n');
    expect(extractFencedBlocks(md, 'd.md')).toEqual([
      { doc: 'd.md', line: 3, lang: 'yaml', kind: 'pipeline', attrs: {}, body: 'name: a\n' },
      { doc: 'd.md', line: 7, lang: 'sh', kind: 'cli', attrs: { exit: '1' }, body: '```not a close\n' },
    ]);
  });

  it('removes the fence indentation of blocks in lists, and keeps deeper indentation', () => {
    const md = ['- item', '  ```yaml policy', '  name: p', '    x: 1', '  ```'].join('\n');
    expect(extractFencedBlocks(md, 'd.md')[0]!.body).toBe('name: p\n  x: 1\n');
  });

  it('needs a closing fence at least as long as the opening one; an unclosed block runs to the end', () => {
    const md = ['````text output', '```', 'inner', '````', '```sh', 'tail'].join('\n');
    const blocks = extractFencedBlocks(md, 'd.md');
    expect(blocks.map((b) => b.body)).toEqual(['```\ninner\n', 'tail\n']);
  });

  it('an empty block has an empty body', () => {
    expect(extractFencedBlocks('```sh cli\n```\n', 'd.md')[0]!.body).toBe('');
  });
});

describe('extractRelativeLinks', () => {
  it('keeps relative links and images, without fragments, and skips URLs, code spans and code blocks', () => {
    const md = [
      'See [policy](policy.md#rules), [top](#top) and ![shot](screenshots/a.png "a shot").',
      'Not [web](https://example.com) nor [mail](mailto:a@b.c) nor `[code](x.md)`.',
      '```md',
      '[in a block](nope.md)',
      '```',
      'And [up](../README.md?plain=1).',
    ].join('\n');
    expect(extractRelativeLinks(md, 'docs/a.md').map(({ line, target, path }) => [line, target, path])).toEqual([
      [1, 'policy.md#rules', 'policy.md'],
      [1, '#top', ''],
      [1, 'screenshots/a.png', 'screenshots/a.png'],
      [6, '../README.md?plain=1', '../README.md'],
    ]);
  });
});

describe('listHeadingAnchors', () => {
  it('slugs headings as GitHub does, numbering repeats, ignoring code blocks', () => {
    const md = ['# Scaling out: PostgreSQL, Redis/NATS', '## `slipway run` — locally', '```sh', '# not a heading', '```', '## Examples', '### Examples ##'].join('\n');
    expect(listHeadingAnchors(md)).toEqual(['scaling-out-postgresql-redisnats', 'slipway-run--locally', 'examples', 'examples-1']);
  });
});

describe('pairExamples', () => {
  const kinds = ['yaml pipeline', 'sh cli'];

  it('attaches an expectation to the example right before it', () => {
    const blocks = extractFencedBlocks('```yaml pipeline invalid\nx\n```\n```text diagnostics\na:1:1: m\n```\n```sh cli\nslipway run\n```\n', 'd.md');
    const { examples, problems } = pairExamples(blocks, kinds);
    expect(problems).toEqual([]);
    expect(examples).toHaveLength(2);
    expect(examples[0]!.expect?.body).toBe('a:1:1: m\n');
    expect(examples[1]!.expect).toBeUndefined();
  });

  it('reports unknown kinds and expectations that follow no example, each with its place', () => {
    const md = '```text output\nx\n```\n```yaml\na: 1\n```\n```text jobs\nb\n```\n```sh cli\ntrue\n```\n```text output\n\n```\n```text output\n\n```\n';
    const { examples, problems } = pairExamples(extractFencedBlocks(md, 'd.md'), kinds);
    expect(examples).toHaveLength(1);
    expect(problems).toEqual([
      'd.md:1: `text output` must follow the example it describes',
      expect.stringMatching(/^d\.md:4: fenced block `yaml` has no kind the docs test knows — use one of: yaml pipeline, sh cli, text diagnostics/),
      'd.md:7: `text jobs` must follow the example it describes',
      'd.md:16: `text output` must follow the example it describes',
    ]);
  });
});

describe('findMissingLine', () => {
  it('matches expected lines in order, … standing for any text', () => {
    const actual = 'a\n[build] started\nnoise\n[build] succeeded in 104 ms   \nrun succeeded in 2 s\n';
    expect(findMissingLine('[build] started\n\n[build] succeeded in … ms\n', actual)).toBeUndefined();
    expect(findMissingLine('run succeeded in …\n[build] started\n', actual)).toBe('[build] started');
    expect(findMissingLine('[build] (started)', actual)).toBe('[build] (started)');
  });
});

describe('readEnvAssignments', () => {
  it('reads the leading assignments of each line, with export and quotes, ignoring the command and comments', () => {
    const script = [
      'SLIPWAY_PORT=9090 SLIPWAY_HOST="0.0.0.0" slipway up   # comment',
      "export DATABASE_URL='postgres://db/x'",
      'export SLIPWAY_BUS=redis REDIS_URL=redis://r:6379',
      'slipway server FOO=bar',
      '# SLIPWAY_LOG_LEVEL=debug',
    ].join('\n');
    expect(readEnvAssignments(script)).toEqual({
      SLIPWAY_PORT: '9090',
      SLIPWAY_HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://db/x',
      SLIPWAY_BUS: 'redis',
      REDIS_URL: 'redis://r:6379',
    });
  });
});
