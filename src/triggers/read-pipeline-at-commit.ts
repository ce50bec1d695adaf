import { AppError, ErrorCode } from '../errors/app-error.js';
import { openMirror } from './open-mirror.js';
import { runGit } from './run-git.js';

export interface ReadPipelineAtCommitInput {
  repoUrl: string;
  commitSha: string;
  /** Directory of repository mirrors (see openMirror). */
  cacheDir: string;
  /** Path in the repository; default `.pipeline.yml`. */
  file?: string;
  /** Per git command; default 10 minutes. */
  timeoutMs?: number;
}

export interface PipelineAtCommit {
  /** The file's content, for parsePipeline. */
  text: string;
  file: string;
  commitSha: string;
  /** The mirror it was read from; listChangedPaths takes it. */
  mirrorDir: string;
}

/** Far above any real pipeline file; a bigger blob is a mistake, not a pipeline. */
const maxPipelineFileBytes = 4 * 1024 * 1024;

/**
 * The pipeline file as committed at commitSha, read from a local mirror of the repository (cloned or
 * fetched as needed). Throws not_found for an unknown commit or a missing file, invalid_argument for
 * a bad address, commit id or path, unavailable when git cannot reach the repository.
 */
export async function readPipelineAtCommit(input: ReadPipelineAtCommitInput): Promise<PipelineAtCommit> {
  const file = checkFilePath(input.file ?? '.pipeline.yml');
  const mirrorDir = await openMirror(input);
  // `cat-file blob` gives the committed bytes exactly; `git show` could apply textconv filters.
  const read = await runGit([`--git-dir=${mirrorDir}`, 'cat-file', 'blob', `${input.commitSha}:${file}`], {
    maxStdoutBytes: maxPipelineFileBytes,
  }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === ErrorCode.invalidArgument) {
      throw new AppError(ErrorCode.invalidArgument, `${file} at ${input.commitSha} is larger than ${maxPipelineFileBytes} bytes`, {
        cause: error,
      });
    }
    throw error;
  });
  if (read.exitCode === 0) return { text: read.stdout.toString('utf8'), file, commitSha: input.commitSha, mirrorDir };
  const type = await runGit([`--git-dir=${mirrorDir}`, 'cat-file', '-t', `${input.commitSha}:${file}`]);
  if (type.exitCode !== 0) {
    throw new AppError(
      ErrorCode.notFound,
      `no ${file} at ${input.commitSha} in ${input.repoUrl}: commit one at that path to run pipelines for this repository`,
      { details: { repoUrl: input.repoUrl, commitSha: input.commitSha, file } },
    );
  }
  throw new AppError(
    ErrorCode.invalidArgument,
    `${file} at ${input.commitSha} in ${input.repoUrl} is a ${type.stdout.toString('utf8').trim()}, not a file`,
  );
}

/** A repository-relative path: no leading `/`, no `..`, nothing git would read as more than a path. */
function checkFilePath(file: string): string {
  const segments = file.split('/');
  const bad = file === '' || file.startsWith('/') || /[\u0000-\u001f]/.test(file) || segments.some((s) => s === '..' || s === '.' || s === '');
  if (bad) {
    throw new AppError(ErrorCode.invalidArgument, `pipeline file ${JSON.stringify(file)} must be a path inside the repository, like .pipeline.yml or ci/pipeline.yml`);
  }
  return file;
}
