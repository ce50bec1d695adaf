import { type Finding, isRecord } from './finding.js';

const kinds = ['run', 'uses', 'approval'] as const;

/**
 * Keys that mean nothing on an approval step: it runs no process, so there is no environment,
 * directory, network or retry. Its wait is `approval.timeout`, not the step's `timeout`.
 */
const notForApproval: Record<string, string> = {
  with: 'it uses no action',
  env: 'it runs no command',
  'working-directory': 'it runs no command',
  network: 'it runs no command',
  retry: 'a rejection is final — a new run asks again',
  timeout: 'give how long it waits as approval.timeout',
};

/** Each step runs a command, uses an action, or waits for approvals: exactly one of run/uses/approval. */
export function checkSteps(stages: unknown): Finding[] {
  if (!Array.isArray(stages)) return [];
  const findings: Finding[] = [];
  stages.forEach((stage, i) => {
    if (!isRecord(stage) || !Array.isArray(stage.steps)) return;
    stage.steps.forEach((step, j) => {
      if (!isRecord(step)) return;
      const path = ['stages', i, 'steps', j];
      const keys = Object.keys(step);
      const present = keys.filter((key): key is (typeof kinds)[number] => (kinds as readonly string[]).includes(key));
      if (present.length > 1) {
        const later = present[present.length - 1]!;
        const named = kinds.filter((key) => present.includes(key)).map((key) => `'${key}'`);
        const listed = named.length === 2 ? `both ${named.join(' and ')}` : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
        const message = `step has ${listed} — a step does one of them; split it into ${named.length === 2 ? 'two' : 'three'} steps`;
        findings.push({ path: [...path, later], at: 'key', message });
      } else if (present.length === 0) {
        const named = typeof step.name === 'string' ? ` '${step.name}'` : '';
        const message = `step${named} has none of 'run', 'uses' or 'approval' — add \`run: <command>\`, \`uses: <action>\` or \`approval: {approvers: 1}\``;
        findings.push({ path, at: 'value', message });
      } else if (present[0] === 'approval') {
        for (const key of keys) {
          const why = notForApproval[key];
          if (why !== undefined) findings.push({ path: [...path, key], at: 'key', message: `'${key}' does not apply to an approval step: ${why}` });
        }
      }
    });
  });
  return findings;
}
