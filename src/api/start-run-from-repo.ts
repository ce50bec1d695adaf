import { AppError, ErrorCode } from '../errors/app-error.js';
import { formatDiagnostic, type Pipeline, type Plan, parsePipeline, planPipeline } from '../pipeline/index.js';
import { readPipelineAtCommit, resolveRef } from '../triggers/index.js';

/** The pipeline file every run started from a repository reads. */
export const pipelineFile = '.pipeline.yml';

export interface PipelineFromRepo {
  commitSha: string;
  /** The parsed pipeline: its `trigger` decides whether an event or a schedule runs it. */
  pipeline: Pipeline;
  plan: Plan;
}

export interface ReadPipelineFromRepoInput {
  repoUrl: string;
  /** Bare mirrors of project repositories (readPipelineAtCommit). */
  cacheDir: string;
}

/**
 * `.pipeline.yml` at one commit, read from the server's mirror of the repository, parsed and planned.
 * Throws not_found (no commit, no file), invalid_pipeline (with diagnostics naming file and commit).
 * `label` says where the commit came from (a ref, a push) in messages.
 */
export async function readPipelineFromCommit(
  input: ReadPipelineFromRepoInput & { commitSha: string; label?: string },
): Promise<PipelineFromRepo> {
  const read = await readPipelineAtCommit({
    repoUrl: input.repoUrl,
    commitSha: input.commitSha,
    cacheDir: input.cacheDir,
    file: pipelineFile,
  });
  const what = `${read.file} at ${input.commitSha}${input.label === undefined ? '' : ` (${input.label})`}`;
  const pipeline = parseOrThrow(read.text, read.file, what, 'fix them, commit and push');
  return { commitSha: input.commitSha, pipeline, plan: planPipeline(pipeline) };
}

/** The same at the commit a ref (branch, tag, sha) names in the repository now. */
export async function readPipelineFromRef(input: ReadPipelineFromRepoInput & { ref: string }): Promise<PipelineFromRepo> {
  const resolved = await resolveRef({ repoUrl: input.repoUrl, ref: input.ref, cacheDir: input.cacheDir });
  return readPipelineFromCommit({ ...input, commitSha: resolved.commitSha, label: input.ref });
}

/** Parses pipeline text; invalid_pipeline with every diagnostic in details when it has problems. */
export function parseOrThrow(text: string, file: string, what: string, hint: string): Pipeline {
  const parsed = parsePipeline(text, file);
  if (!parsed.ok) {
    throw new AppError(ErrorCode.invalidPipeline, `${what} has ${parsed.diagnostics.length} problem(s): ${hint}`, {
      details: { diagnostics: parsed.diagnostics.map((d) => ({ ...d, text: formatDiagnostic(d) })) },
    });
  }
  return parsed.pipeline;
}

export function planOrThrow(text: string, file: string, what: string, hint: string): Plan {
  return planPipeline(parseOrThrow(text, file, what, hint));
}
