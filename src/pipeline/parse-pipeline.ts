import { buildPipeline } from './build-pipeline.js';
import { checkMatrices } from './check-matrix.js';
import { collateDiagnostics } from './collate-diagnostics.js';
import { checkStages } from './check-stages.js';
import { checkSteps } from './check-steps.js';
import { DEFAULT_MESSAGE, describeIssues } from './describe-issues.js';
import { createLocator } from './locate-node.js';
import type { Diagnostic, ParseResult } from './model.js';
import { pipelineSchema } from './pipeline-schema.js';
import { MAX_PIPELINE_BYTES, readYaml } from './read-yaml.js';
import { readYamlFast } from './read-yaml-fast.js';

/** Past this, the rest is almost always fallout of the first problems; listing it helps nobody. */

/**
 * `.pipeline.yml` text -> validated Pipeline, or every problem found, each at file:line:col.
 * Never throws: an internal failure becomes a diagnostic too, so callers have one path.
 */
export function parsePipeline(text: string, file: string): ParseResult {
  try {
    if (typeof text !== 'string') return fail([at(file, `pipeline text must be a string, got ${typeof text}`)]);
    return parseValidFast(text) ?? parsePositioned(text, String(file));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail([at(file, `internal error while checking the pipeline (${reason}) — please report this with the file`)]);
  }
}

/** The result for a valid file read the fast way; undefined means "take the positioned path". */
function parseValidFast(text: string): ParseResult | undefined {
  if (Buffer.byteLength(text, 'utf8') > MAX_PIPELINE_BYTES) return undefined;
  // A lone carriage return is a line break to js-yaml but not to the positioned read, the authority.
  if (/\r(?!\n)/.test(text)) return undefined;
  const data = readYamlFast(text);
  if (!data) return undefined;
  const parsed = pipelineSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const problems = checkStages(data.stages).length + checkSteps(data.stages).length + checkMatrices(data.stages).length;
  return problems === 0 ? { ok: true, pipeline: buildPipeline(parsed.data), diagnostics: [] } : undefined;
}

/**
 * The authority: `yaml`'s positioned document, every problem placed at file:line:col. Exported for
 * the test that holds the fast path to the same answers.
 */
export function parsePositioned(text: string, file: string): ParseResult {
  const read = readYaml(text, file);
  if (!read.ok) return fail(read.diagnostics);
  const parsed = pipelineSchema.safeParse(read.data, { reportInput: true, error: () => DEFAULT_MESSAGE });
  const findings = [
    ...(parsed.success ? [] : describeIssues(parsed.error.issues, pipelineSchema)),
    ...checkStages(read.data.stages),
    ...checkSteps(read.data.stages),
    ...checkMatrices(read.data.stages),
  ];
  const locator = createLocator(read.doc, read.lineCounter);
  const diagnostics = [...read.diagnostics, ...findings.map((finding) => locator.toDiagnostic(file, finding))];
  if (diagnostics.length > 0) return fail(diagnostics);
  if (!parsed.success) return fail([at(file, 'the pipeline is invalid but no problem was located — please report this')]);
  return { ok: true, pipeline: buildPipeline(parsed.data), diagnostics: [] };
}

function fail(diagnostics: Diagnostic[]): ParseResult {
  return { ok: false, diagnostics: collateDiagnostics(diagnostics) };
}

function at(file: string, message: string): Diagnostic {
  return { file: String(file), line: 1, col: 1, path: '', message };
}
