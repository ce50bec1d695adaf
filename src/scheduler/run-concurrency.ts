import type { Plan } from '../pipeline/model.js';
import type { ConcurrencyOptions } from './enqueue-run.js';

/**
 * The scheduling a plan asks for, for one run of a project at a ref: its priority, and its concurrency
 * group scoped to the project (group names are global in the store) with `${{ ref }}` replaced by
 * the ref — so `ci-${{ ref }}` is one group per branch, as in GitHub Actions.
 */
export function runScheduling(plan: Plan, run: { project: string; ref: string }): { priority: number; concurrency?: ConcurrencyOptions } {
  const priority = plan.priority ?? 0;
  if (!plan.concurrency) return { priority };
  const group = plan.concurrency.group.replaceAll(`\${{ ref }}`, run.ref);
  return { priority, concurrency: { group: `${run.project}/${group}`, cancelInProgress: plan.concurrency.cancelInProgress } };
}
