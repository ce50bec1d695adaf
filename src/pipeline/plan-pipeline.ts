import { type Combination, expandMatrix, formatJobId } from './expand-matrix.js';
import { compileMatrixRecord, compileMatrixTemplate } from './interpolate-matrix.js';
import type { Pipeline, PlannedJob, PlannedStep, Plan, StageSpec, StepSpec } from './model.js';
import { orderStages } from './order-stages.js';

/**
 * Pipeline -> jobs to run: matrices expanded into one job per combination, `${{ matrix.x }}`
 * substituted, needs on a stage widened to all of its jobs, env merged (pipeline < job < step),
 * network and working directory resolved per step. Pure and deterministic for a given pipeline.
 */
export function planPipeline(pipeline: Pipeline): Plan {
  const indexByName = new Map(pipeline.stages.map((stage, i) => [stage.name, i]));
  const needs = pipeline.stages.map((stage) =>
    stage.needs.flatMap((name) => {
      const needed = indexByName.get(name);
      return needed === undefined ? [] : [needed];
    }),
  );
  const jobsByStage = pipeline.stages.map((stage) => planStageJobs(stage, pipeline.env));
  jobsByStage.forEach((jobs, i) => {
    const neededIds = needs[i]!.flatMap((needed) => jobsByStage[needed]!.map((job) => job.id));
    for (const job of jobs) job.needs = neededIds.slice();
  });
  const plan: Plan = { name: pipeline.name, jobs: orderStages(needs).flatMap((i) => jobsByStage[i]!) };
  if (pipeline.concurrency) plan.concurrency = { ...pipeline.concurrency };
  if (pipeline.priority !== 0) plan.priority = pipeline.priority;
  return plan;
}

function planStageJobs(stage: StageSpec, pipelineEnv: Record<string, string>): PlannedJob[] {
  const combinations: Combination[] = stage.matrix ? expandMatrix(stage.matrix) : [{}];
  const axes = stage.matrix ? Object.keys(stage.matrix.axes) : [];
  const jobEnv = compileMatrixRecord(stage.env);
  const steps = stage.steps.map((step) => compileStep(step, stage));
  return combinations.map((combination) => {
    const env = { ...pipelineEnv, ...jobEnv(combination) };
    const job: PlannedJob = {
      id: formatJobId(stage.name, combination, axes),
      stage: stage.name,
      matrix: combination,
      needs: [],
      if: stage.if,
      continueOnError: stage.continueOnError,
      retry: stage.retry,
      runsOn: [...stage.runsOn],
      cache: stage.cache.map((entry) => ({ ...entry, paths: [...entry.paths], restoreKeys: [...entry.restoreKeys] })),
      steps: steps.map((planStep, index) => planStep(index, env, combination)),
    };
    if (stage.timeoutMs !== undefined) job.timeoutMs = stage.timeoutMs;
    if (stage.workingDirectory !== undefined) job.workingDirectory = stage.workingDirectory;
    if (stage.environment !== undefined) job.environment = stage.environment;
    if (stage.artifacts !== undefined) job.artifacts = { ...stage.artifacts, paths: [...stage.artifacts.paths] };
    return job;
  });
}

/** A step's texts are compiled once per stage and filled in per combination. */
function compileStep(step: StepSpec, stage: StageSpec) {
  const name = compileMatrixTemplate(step.name);
  const run = step.run === undefined ? undefined : compileMatrixTemplate(step.run);
  const withInputs = compileMatrixRecord(step.with);
  const stepEnv = compileMatrixRecord(step.env);
  const workingDirectory = step.workingDirectory ?? stage.workingDirectory;
  return (index: number, jobEnv: Record<string, string>, combination: Combination): PlannedStep => {
    const planned: PlannedStep = {
      index,
      name: name(combination),
      with: withInputs(combination),
      env: { ...jobEnv, ...stepEnv(combination) },
      retry: step.retry,
      continueOnError: step.continueOnError,
      network: step.network ?? stage.network,
    };
    if (run !== undefined) planned.run = run(combination);
    if (step.uses !== undefined) planned.uses = step.uses;
    if (step.approval !== undefined) planned.approval = { ...step.approval };
    if (step.timeoutMs !== undefined) planned.timeoutMs = step.timeoutMs;
    if (workingDirectory !== undefined) planned.workingDirectory = workingDirectory;
    return planned;
  };
}
