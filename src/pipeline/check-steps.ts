import { type Finding, isRecord } from './finding.js';

/** Each step either runs a command or uses an action: exactly one of `run` / `uses`. */
export function checkSteps(stages: unknown): Finding[] {
  if (!Array.isArray(stages)) return [];
  const findings: Finding[] = [];
  stages.forEach((stage, i) => {
    if (!isRecord(stage) || !Array.isArray(stage.steps)) return;
    stage.steps.forEach((step, j) => {
      if (!isRecord(step)) return;
      const path = ['stages', i, 'steps', j];
      const keys = Object.keys(step);
      const hasRun = keys.includes('run');
      const hasUses = keys.includes('uses');
      if (hasRun && hasUses) {
        const later = keys.indexOf('run') > keys.indexOf('uses') ? 'run' : 'uses';
        const message = "step has both 'run' and 'uses' — a step does one of them; split it into two steps";
        findings.push({ path: [...path, later], at: 'key', message });
      } else if (!hasRun && !hasUses) {
        const named = typeof step.name === 'string' ? ` '${step.name}'` : '';
        const message = `step${named} has neither 'run' nor 'uses' — add \`run: <command>\` or \`uses: <action>\``;
        findings.push({ path, at: 'value', message });
      }
    });
  });
  return findings;
}
