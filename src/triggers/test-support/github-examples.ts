import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

// The package's main is a JSON file (an array of {name, examples[]}); require reads it the same
// way under vitest and tsc, where a default import of it is typed and resolved differently.
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: unknown[] }[];

/** The recorded payloads of one GitHub event from @octokit/webhooks-examples (api.github.com). */
export function githubExamples(eventName: string): Record<string, unknown>[] {
  const definition = examples.find((entry) => entry.name === eventName);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no '${eventName}' examples`);
  return definition.examples as unknown as Record<string, unknown>[];
}

export function findGitHubExample(
  eventName: string,
  predicate: (payload: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  const example = githubExamples(eventName).find(predicate);
  if (!example) throw new Error(`no '${eventName}' example matches`);
  return structuredClone(example);
}

/** The X-Hub-Signature-256 value GitHub sends for this body and secret. */
export function signGitHubBody(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
