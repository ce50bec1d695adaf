/**
 * Every fenced example in docs/*.md, executed for real by its kind (the info string after the
 * language), so the docs cannot drift from the code:
 *
 * - `yaml pipeline` / `yaml policy`: the real parsers (and the planner); `invalid` ones must fail with
 *   exactly the `text diagnostics` that follow; `text jobs` after a pipeline lists its planned job ids.
 * - `yaml service` / `yaml strategy`: the deploy spec parsers; `invalid` + `text error` as above.
 * - `ndjson telemetry`: every line is a record `slipway policy test` reads.
 * - `sh env`: `VAR=value` words checked by config/'s loadConfig, every name one config.ts declares.
 * - `sh cli`: run by bash in a git repository holding the doc's `file=` examples, `slipway` being the
 *   real bin/slipway.js; `exit=N` is the expected status, a `text output` block lines it must print.
 *   `server` ones run against a test server (startTestPlatform with an in-process agent and the
 *   canary service) with http://localhost:8080 standing for its address: the only examples that
 *   need one.
 *
 * Also: every fence has a known kind (an untested example fails), relative links and their anchors
 * resolve, API routes named in docs/ are in the OpenAPI document, and the variable table of
 * operations.md matches the variables src/config/config.ts declares.
 *
 * Needs dist/ (bin/slipway.js runs it): the vitest global setup builds it; with
 * vitest.nobuild.config.ts run `node scripts/build.mjs` first.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { apiOperations } from '../api/openapi/api-operations.js';
import { toOpenApiPath } from '../api/openapi/build-openapi-document.js';
import { startTestPlatform, type TestPlatform } from '../api/test-support/start-test-platform.js';
import { type Bus, createBus } from '../bus/index.js';
import { type CanaryService, startCanaryService } from '../canary/index.js';
import { systemClock } from '../clock/clock.js';
import { parsePolicy } from '../canary/policy/parse-policy.js';
import { parseNdjsonTelemetryLine } from '../canary/engine/read-ndjson-telemetry.js';
import { binPath } from '../cli/test-support/spawn-cli.js';
import { loadConfig } from '../config/index.js';
import { parseStrategySpec } from '../deploy/strategies/strategy-spec.js';
import { parseServiceSpec } from '../deploy/targets/service-spec.js';
import { formatDiagnostic, parsePipeline, planPipeline } from '../pipeline/index.js';
import { describePglite } from '../test-support/test-store.js';
import {
  type DocBlock,
  type DocExample,
  extractFencedBlocks,
  extractRelativeLinks,
  findMissingLine,
  listHeadingAnchors,
  pairExamples,
  readEnvAssignments,
} from './test-support/extract-doc-examples.js';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const docsDir = join(repoDir, 'docs');

/** Kind → the attributes it takes. */
const KINDS: Record<string, readonly string[]> = {
  'yaml pipeline': ['file', 'invalid'],
  'yaml policy': ['file', 'invalid'],
  'yaml service': ['file', 'invalid'],
  'yaml strategy': ['file', 'invalid'],
  'ndjson telemetry': ['file'],
  'sh env': ['invalid'],
  'sh cli': ['exit', 'server'],
};

/** Read by the CLI rather than config/ (client verbs and agents). */
const CLI_VARIABLES = ['SLIPWAY_SERVER', 'SLIPWAY_TOKEN', 'SLIPWAY_CONFIG_DIR', 'NO_COLOR'];

/**
 * Documents of docs/ written by someone else in the same change, linked before they exist. Remove an
 * entry once its file is in: from then on a missing file fails like any other.
 */
const PENDING_DOCS: string[] = [];

const docFiles = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md'))
  .sort();
const docs = docFiles.map((name) => {
  const text = readFileSync(join(docsDir, name), 'utf8');
  const { examples, problems } = pairExamples(extractFencedBlocks(text, `docs/${name}`), Object.keys(KINDS));
  return { name, text, examples, problems };
});

const where = (block: DocBlock) => `${block.doc}:${block.line}`;
const kindOf = (example: DocExample) => `${example.block.lang} ${example.block.kind}`;

describe('docs/', () => {
  it('has the documents the index promises', () => {
    for (const name of ['README.md', 'pipeline.md', 'policy.md', 'strategies.md', 'operations.md', 'api.md']) expect(docFiles).toContain(name);
  });

  it('every fenced block has a kind the test runs, with known attributes and expectations', () => {
    const problems = docs.flatMap((doc) => doc.problems);
    for (const { examples } of docs) {
      for (const example of examples) {
        const allowed = KINDS[kindOf(example)]!;
        for (const attr of Object.keys(example.block.attrs)) {
          if (!allowed.includes(attr)) problems.push(`${where(example.block)}: \`${kindOf(example)}\` takes no attribute '${attr}' (it takes: ${allowed.join(', ')})`);
        }
        // Kept in one document so that adapting them to the server's authentication is one edit.
        if (example.block.attrs.server === true && example.block.doc !== 'docs/api.md') problems.push(`${where(example.block)}: examples that need a server belong in docs/api.md`);
        const wanted = expectationFor(example);
        const got = example.expect?.kind;
        if (wanted === 'required' && got === undefined) problems.push(`${where(example.block)}: an invalid example needs the \`text diagnostics\`/\`text error\` block it produces right after it`);
        if (got !== undefined && !expectationsOf(example).includes(got)) problems.push(`${where(example.block)}: \`text ${got}\` does not apply to \`${kindOf(example)}\``);
      }
    }
    expect(problems).toEqual([]);
  });

  it('relative links point at files (and headings) that exist', () => {
    const anchors = new Map(docs.map((doc) => [join(docsDir, doc.name), listHeadingAnchors(doc.text)]));
    const broken: string[] = [];
    for (const doc of docs) {
      for (const link of extractRelativeLinks(doc.text, doc.name)) {
        const target = link.path === '' ? join(docsDir, doc.name) : resolve(docsDir, decodeURIComponent(link.path));
        if (PENDING_DOCS.includes(link.path) && !existsSync(target)) continue;
        if (!existsSync(target)) {
          broken.push(`docs/${doc.name}:${link.line}: ${link.target} — no such file`);
          continue;
        }
        const fragment = /#(.+)$/.exec(link.target)?.[1];
        const known = anchors.get(target);
        if (fragment !== undefined && known !== undefined && !known.includes(fragment)) {
          broken.push(`docs/${doc.name}:${link.line}: ${link.target} — no heading with that anchor (${known.join(', ')})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('names only API routes the OpenAPI document has', () => {
    const served = new Set(apiOperations.map((op) => `${op.method} ${toOpenApiPath(op.path)}`));
    const unknown: string[] = [];
    for (const doc of docs) {
      for (const match of doc.text.matchAll(/`(GET|POST|PUT|DELETE) (\/[^`\s?]*)[^`]*`/g)) {
        if (!served.has(`${match[1]} ${match[2]}`)) unknown.push(`docs/${doc.name}: ${match[1]} ${match[2]}`);
      }
    }
    expect(unknown, 'routes in docs/ that GET /api/v1/openapi.json does not list').toEqual([]);
    const api = docs.find((doc) => doc.name === 'api.md')!.text;
    expect(api).toContain('/api/v1/openapi.json');
  });

  it('documents every environment variable config.ts reads, and only those', () => {
    const declared = listConfigVariables();
    expect(declared.length).toBeGreaterThan(10);
    const operations = docs.find((doc) => doc.name === 'operations.md')!.text;
    const documented = new Set([...operations.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]!));
    expect(declared.filter((name) => !documented.has(name)), 'declared in src/config/config.ts, missing from the table in docs/operations.md').toEqual([]);
    expect([...documented].filter((name) => !declared.includes(name)), 'in the table of docs/operations.md, unknown to src/config/config.ts').toEqual([]);
  });
});

function expectationFor(example: DocExample): 'required' | 'optional' {
  return example.block.attrs.invalid === true ? 'required' : 'optional';
}

function expectationsOf(example: DocExample): string[] {
  const invalid = example.block.attrs.invalid === true;
  switch (kindOf(example)) {
    case 'yaml pipeline':
      return invalid ? ['diagnostics'] : ['jobs'];
    case 'yaml policy':
      return invalid ? ['diagnostics'] : [];
    case 'yaml service':
    case 'yaml strategy':
    case 'sh env':
      return invalid ? ['error'] : [];
    case 'sh cli':
      return ['output'];
    default:
      return [];
  }
}

/** The keys of config.ts's envSchema: the variables the server reads. */
function listConfigVariables(): string[] {
  const source = readFileSync(join(repoDir, 'src/config/config.ts'), 'utf8');
  const start = source.indexOf('const envSchema = z.object({');
  const end = source.indexOf('\n});', start);
  expect(start, 'envSchema in src/config/config.ts').toBeGreaterThan(-1);
  return [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
}

for (const doc of docs) {
  const offline = doc.examples.filter((e) => kindOf(e) !== 'sh cli');
  if (offline.length === 0) continue;
  describe(`docs/${doc.name} examples`, () => {
    for (const example of offline) {
      it(`${where(example.block)} ${kindOf(example)}${example.block.attrs.invalid ? ' (invalid)' : ''}`, () => checkOffline(example));
    }
  });
}

function checkOffline(example: DocExample): void {
  const { block } = example;
  const file = typeof block.attrs.file === 'string' ? block.attrs.file : undefined;
  const invalid = block.attrs.invalid === true;
  const expected = example.expect?.body.trimEnd();
  switch (kindOf(example)) {
    case 'yaml pipeline': {
      const parsed = parsePipeline(block.body, file ?? '.pipeline.yml');
      const printed = parsed.ok ? '' : parsed.diagnostics.map(formatDiagnostic).join('\n');
      if (invalid) {
        expect(parsed.ok, 'an invalid example must be refused').toBe(false);
        expect(printed).toBe(expected);
        return;
      }
      expect(printed, 'a pipeline example must be valid').toBe('');
      if (!parsed.ok) return;
      const plan = planPipeline(parsed.pipeline);
      if (expected !== undefined) expect(plan.jobs.map((job) => job.id).join('\n')).toBe(expected);
      return;
    }
    case 'yaml policy': {
      const parsed = parsePolicy(block.body, file ?? 'policy.yml');
      const printed = parsed.ok ? '' : parsed.diagnostics.map(formatDiagnostic).join('\n');
      if (invalid) {
        expect(parsed.ok, 'an invalid example must be refused').toBe(false);
        expect(printed).toBe(expected);
      } else expect(printed, 'a policy example must be valid').toBe('');
      return;
    }
    case 'yaml service':
    case 'yaml strategy': {
      const parse = block.kind === 'service' ? parseServiceSpec : parseStrategySpec;
      const run = () => parse(parseYaml(block.body));
      if (invalid) expect(run).toThrow(expected);
      else expect(run).not.toThrow();
      return;
    }
    case 'ndjson telemetry': {
      const lines = block.body.split('\n').filter((line) => line.trim() !== '');
      expect(lines.length).toBeGreaterThan(0);
      lines.forEach((line, i) => {
        const parsed = parseNdjsonTelemetryLine(line);
        expect(parsed.ok ? '' : `line ${i + 1}: ${parsed.message}`).toBe('');
      });
      return;
    }
    case 'sh env': {
      const declared = [...listConfigVariables(), ...CLI_VARIABLES];
      const env = readEnvAssignments(block.body);
      const unknown = Object.keys(env).filter((name) => !declared.includes(name));
      expect(unknown, 'variables no part of Slipway reads').toEqual([]);
      const load = () => loadConfig(env, {}, tmpdir());
      if (invalid) expect(load).toThrow(expected);
      else expect(load).not.toThrow();
      return;
    }
    default:
      throw new Error(`${where(block)}: no check for ${kindOf(example)}`);
  }
}

/** `slipway` on PATH as the real CLI, and a git repository holding the doc's `file=` examples. */
async function prepareWorkspace(examples: readonly DocExample[]): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-docs-'));
  const bin = join(dir, '.bin');
  await mkdir(bin);
  await writeFile(join(bin, 'slipway'), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`);
  await chmod(join(bin, 'slipway'), 0o755);
  const work = join(dir, 'work');
  await mkdir(work);
  for (const { block } of examples) {
    if (typeof block.attrs.file !== 'string') continue;
    await mkdir(dirname(join(work, block.attrs.file)), { recursive: true });
    await writeFile(join(work, block.attrs.file), block.body);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=docs', '-c', 'user.email=docs@example.com', 'commit', '-qm', 'docs examples', '--allow-empty');
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? dir,
    NO_COLOR: '1',
    GIT_AUTHOR_NAME: 'docs',
    GIT_AUTHOR_EMAIL: 'docs@example.com',
    GIT_COMMITTER_NAME: 'docs',
    GIT_COMMITTER_EMAIL: 'docs@example.com',
  };
  return { dir: work, env };
}

interface ShellResult {
  code: number | null;
  output: string;
}

/** Runs a shell example with bash -e -o pipefail; stdout and stderr interleaved as they come. */
function runShell(script: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<ShellResult> {
  return new Promise((resolvePromise) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs} ms)`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

/** A server the `server` examples talk to: its URL, and what the CLI needs in its environment. */
interface ExampleServer {
  url: string;
  env: Record<string, string>;
}

async function checkShell(example: DocExample, workspace: { dir: string; env: Record<string, string> }, server?: ExampleServer): Promise<void> {
  const { block } = example;
  const script = server === undefined ? block.body : block.body.replaceAll('http://localhost:8080', server.url).replaceAll('localhost:8080', new URL(server.url).host);
  const env = server === undefined ? workspace.env : { ...workspace.env, ...server.env };
  const result = await runShell(script, workspace.dir, env, 25_000);
  const context = `${where(block)} printed:\n${result.output}`;
  expect(result.code, context).toBe(Number(block.attrs.exit ?? 0));
  if (example.expect !== undefined) expect(findMissingLine(example.expect.body, result.output), context).toBeUndefined();
}

for (const doc of docs) {
  const local = doc.examples.filter((e) => kindOf(e) === 'sh cli' && e.block.attrs.server !== true);
  if (local.length === 0) continue;
  describe(`docs/${doc.name} shell examples`, () => {
    let workspace: { dir: string; env: Record<string, string> } | undefined;
    beforeAll(async () => {
      workspace = await prepareWorkspace(doc.examples);
    });
    afterAll(async () => {
      if (workspace) await rm(dirname(workspace.dir), { recursive: true, force: true });
    });
    for (const example of local) {
      it(`${where(example.block)} ${example.block.body.split('\n')[0]}`, { timeout: 30_000 }, () => checkShell(example, workspace!));
    }
  });
}

const serverExamples = docs.flatMap((doc) => doc.examples.filter((e) => kindOf(e) === 'sh cli' && e.block.attrs.server === true).map((example) => ({ doc, example })));
// The one place examples meet a server. They act as its administrator: SLIPWAY_TOKEN in their env.
if (serverExamples.length > 0) {
  describePglite('docs/ examples against a server', (harness) => {
    let platform: TestPlatform | undefined;
    let bus: Bus | undefined;
    let canary: CanaryService | undefined;
    let workspace: { dir: string; env: Record<string, string> } | undefined;
    let agentDir: string | undefined;
    beforeAll(async () => {
      agentDir = await mkdtemp(join(tmpdir(), 'slipway-docs-agent-'));
      bus = await createBus({ kind: 'memory' });
      canary = await startCanaryService({ db: harness.db, bus, clock: systemClock, logger: pino({ level: 'silent' }), grpcPort: 0 });
      platform = await startTestPlatform(harness.db, { agent: { name: 'docs', labels: [], capacity: 2, workDir: agentDir }, canary: { canary } });
      workspace = await prepareWorkspace(serverExamples.flatMap(({ doc }) => doc.examples));
    });
    afterAll(async () => {
      await platform?.stop();
      await canary?.close();
      await bus?.close();
      if (workspace) await rm(dirname(workspace.dir), { recursive: true, force: true });
      if (agentDir) await rm(agentDir, { recursive: true, force: true });
    });
    for (const { example } of serverExamples) {
      it(`${where(example.block)} ${example.block.body.split('\n')[0]}`, { timeout: 30_000 }, () => checkShell(example, workspace!, { url: platform!.url, env: { SLIPWAY_SERVER: platform!.url, SLIPWAY_TOKEN: platform!.adminToken } }));
    }
  });
}
