import { DEFAULT_MESSAGE, describeIssues } from '../../pipeline/describe-issues.js';
import { createLocator } from '../../pipeline/locate-node.js';
import { collateDiagnostics } from '../../pipeline/collate-diagnostics.js';
import type { Diagnostic } from '../../pipeline/model.js';
import { readYaml } from '../../pipeline/read-yaml.js';
import { buildPolicy } from './build-policy.js';
import { checkPolicy } from './check-policy.js';
import type { Policy } from './policy-model.js';
import { policySchema } from './policy-schema.js';

export type PolicyParseResult = { ok: true; policy: Policy } | { ok: false; diagnostics: Diagnostic[] };

/** Past this, the rest is almost always fallout of the first problems. */

/**
 * Policy YAML text → a versioned Policy, or every problem found, each at file:line:col with a fix.
 * Never throws: an internal failure becomes a diagnostic too. `file` names the source in messages
 * (a path, or e.g. `api` for a policy set through the API).
 */
export function parsePolicy(text: string, file: string): PolicyParseResult {
  try {
    const read = readYaml(text, file);
    if (!read.ok) return fail(read.diagnostics.map(relabel));
    const parsed = policySchema.safeParse(read.data, { reportInput: true, error: () => DEFAULT_MESSAGE });
    const findings = [...(parsed.success ? [] : describeIssues(parsed.error.issues, policySchema)), ...checkPolicy(read.data)];
    const locator = createLocator(read.doc, read.lineCounter);
    const diagnostics = [...read.diagnostics.map(relabel), ...findings.map((finding) => locator.toDiagnostic(file, finding))];
    if (diagnostics.length > 0) return fail(diagnostics);
    if (!parsed.success) return fail([at(file, 'the policy is invalid but no problem was located — please report this')]);
    return { ok: true, policy: buildPolicy(parsed.data) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail([at(file, `internal error while checking the policy (${reason}) — please report this with the file`)]);
  }
}

/**
 * readYaml speaks of pipelines in the few messages about the file as a whole; the checks are the
 * same for a policy, so its wording is adapted here rather than the reader copied.
 */
function relabel(diagnostic: Diagnostic): Diagnostic {
  const message = diagnostic.message
    .replace('`name:` and `stages:` (see schema/pipeline.schema.json)', '`name:` and `rules:`')
    .replace('`name:` and `stages:`', '`name:` and `rules:`')
    .replaceAll('pipeline file', 'policy file')
    .replaceAll('a pipeline', 'a policy');
  return { ...diagnostic, message };
}

function fail(diagnostics: Diagnostic[]): PolicyParseResult {
  return { ok: false, diagnostics: collateDiagnostics(diagnostics) };
}

function at(file: string, message: string): Diagnostic {
  return { file: String(file), line: 1, col: 1, path: '', message };
}
