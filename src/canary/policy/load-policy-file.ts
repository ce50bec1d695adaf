import { open } from 'node:fs/promises';
import type { Diagnostic } from '../../pipeline/model.js';
import { MAX_PIPELINE_BYTES } from '../../pipeline/read-yaml.js';
import { type PolicyParseResult, parsePolicy } from './parse-policy.js';

/** Same cap as pipeline files: a policy is a few dozen lines. */
export const MAX_POLICY_BYTES = MAX_PIPELINE_BYTES;

/**
 * Reads and parses a policy file. Missing, unreadable, non-regular or oversized files come back as
 * a diagnostic at 1:1, never a throw; the size is checked on the open handle before reading.
 */
export async function loadPolicyFile(path: string): Promise<PolicyParseResult> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return fail(path, 'not a regular file — pass the path of a policy .yml');
      if (stats.size > MAX_POLICY_BYTES) return fail(path, `policy file is ${(stats.size / 1024 / 1024).toFixed(1)} MiB; the limit is 1 MiB`);
      text = await handle.readFile({ encoding: 'utf8' });
    } finally {
      await handle.close();
    }
  } catch (error) {
    return fail(path, describeReadError(error));
  }
  return parsePolicy(text, path);
}

function describeReadError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'policy file not found — pass the path of an existing policy .yml';
    case 'EACCES':
    case 'EPERM':
      return 'policy file is not readable — check its permissions';
    default:
      return `cannot read policy file (${error instanceof Error ? error.message : String(error)})`;
  }
}

function fail(file: string, message: string): PolicyParseResult {
  const diagnostic: Diagnostic = { file, line: 1, col: 1, path: '', message };
  return { ok: false, diagnostics: [diagnostic] };
}
