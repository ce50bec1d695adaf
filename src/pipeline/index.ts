/**
 * pipeline/ — `.pipeline.yml` text -> validated model -> plan of jobs. Pure, except loadPipelineFile.
 *
 * Glossary
 * - pipeline: one `.pipeline.yml`: a name, a trigger, env, and stages.
 * - stage: an entry of `stages:`, a job template with steps, needs and optionally a matrix.
 * - job: one runnable unit planned from a stage: the stage itself, or one matrix combination of it.
 *   Jobs run on one agent in one workspace; `needs` on a stage waits for all of its jobs.
 * - step: one command (`run`), built-in action (`uses`) or wait for approvals (`approval`) inside a job,
 *   run in order. An approval step needs a server: people approve it with `slipway approve ID`.
 * - matrix: axes of values; a stage runs once per combination (minus `exclude`, plus `include`).
 * - plan: the jobs of a pipeline in a topological order, with env merged and matrix values filled in.
 * - diagnostic: a problem in a user file, located as file:line:col.
 * - schedule: a cron expression under `trigger.schedule` the pipeline also runs on (UTC by default).
 */
export { formatDiagnostic } from './format-diagnostic.js';
export { loadPipelineFile } from './load-pipeline-file.js';
export type {
  ApprovalSpec,
  ArtifactSpec,
  CacheSpec,
  Diagnostic,
  JobCondition,
  MatrixSpec,
  MatrixValue,
  ParseResult,
  Pipeline,
  Plan,
  PlannedJob,
  PlannedStep,
  ScheduleSpec,
  StageSpec,
  StepSpec,
  TriggerSpec,
} from './model.js';
export { parsePipeline } from './parse-pipeline.js';
export { pipelineJsonSchema } from './pipeline-json-schema.js';
export { planPipeline } from './plan-pipeline.js';
export { DEFAULT_APPROVAL_TIMEOUT_MS } from './build-pipeline.js';
export { CRON_MODE, describeCronProblem } from './check-cron.js';
