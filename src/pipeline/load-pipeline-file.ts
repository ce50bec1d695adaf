import { open } from 'node:fs/promises';
import type { Diagnostic, ParseResult } from './model.js';
import { parsePipeline } from './parse-pipeline.js';
import { MAX_PIPELINE_BYTES } from './read-yaml.js';

/**
 * Reads and parses a pipeline file. The one I/O entry point of pipeline/: everything it calls is
 * pure. Unreadable, missing or oversized files come back as a diagnostic at 1:1, never a throw; the
 * size is checked on the open handle before reading, so a huge file is never loaded.
 */
export async function loadPipelineFile(path: string): Promise<ParseResult> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
      // Not a regular file (a FIFO, /dev/zero): its size says nothing and reading may never end.
      if (!stats.isFile()) return fail(path, 'not a regular file — pass the path of a .pipeline.yml');
      const size = stats.size;
      if (size > MAX_PIPELINE_BYTES) {
        const mib = (size / MAX_PIPELINE_BYTES).toFixed(1);
        return fail(path, `pipeline file is ${mib} MiB; the limit is 1 MiB — move generated data out of it`);
      }
      text = await handle.readFile({ encoding: 'utf8' });
    } finally {
      await handle.close();
    }
  } catch (error) {
    return fail(path, describeReadError(error));
  }
  return parsePipeline(text, path);
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'pipeline file not found — create it, or pass the path of an existing .pipeline.yml';
    case 'EACCES':
    case 'EPERM':
      return 'pipeline file is not readable — check its permissions';
    default:
      return `cannot read pipeline file (${error instanceof Error ? error.message : String(error)})`;
  }
}

function fail(file: string, message: string): ParseResult {
  const diagnostic: Diagnostic = { file, line: 1, col: 1, path: '', message };
  return { ok: false, diagnostics: [diagnostic] };
}
