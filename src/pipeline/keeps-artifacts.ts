import type { ArtifactSpec } from './model.js';

/** Whether a job that ended `succeeded` or not keeps its artifacts, by its `artifacts:when` (GitLab's). */
export function keepsArtifacts(spec: ArtifactSpec, succeeded: boolean): boolean {
  const when = spec.when ?? 'on_success';
  return when === 'always' || (when === 'on_success') === succeeded;
}
