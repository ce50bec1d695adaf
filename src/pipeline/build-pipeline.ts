/**
 * Schema output -> model: defaults filled, shorthands widened (a string where a list is allowed),
 * durations in ms, scalars as strings. Only called once every check has passed, so anything the
 * checks guarantee (valid durations and conditions) is asserted rather than re-validated.
 */
import type { CacheSpec, MatrixSpec, MatrixValue, Pipeline, StageSpec, StepSpec } from './model.js';
import { parseCondition } from './parse-condition.js';
import { parseDurationMs } from './parse-duration.js';
import type { MatrixInput, PipelineInput, StageInput, StepInput } from './pipeline-schema.js';

/** Longest default step name derived from a `run` command. */
const MAX_DEFAULT_NAME_CHARS = 60;

/** How long an approval step waits when its file says nothing: a working day and a night, like gates. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 24 * 3600_000;

export function buildPipeline(input: PipelineInput): Pipeline {
  const pipeline: Pipeline = {
    name: input.name,
    trigger: {
      branches: toList(input.trigger?.branches),
      paths: toList(input.trigger?.paths),
    },
    env: toStrings(input.env),
    priority: input.priority ?? 0,
    stages: input.stages.map(buildStage),
  };
  if (input.concurrency !== undefined) {
    pipeline.concurrency =
      typeof input.concurrency === 'string'
        ? { group: input.concurrency, cancelInProgress: false }
        : { group: input.concurrency.group, cancelInProgress: input.concurrency['cancel-in-progress'] ?? false };
  }
  const schedule = input.trigger?.schedule;
  if (schedule !== undefined) {
    pipeline.trigger.schedule = schedule.map((entry) =>
      entry.timezone === undefined ? { cron: entry.cron } : { cron: entry.cron, timezone: entry.timezone },
    );
  }
  return pipeline;
}

function buildStage(input: StageInput): StageSpec {
  const stage: StageSpec = {
    name: input.name,
    needs: [...new Set(toList(input.needs))],
    if: input.if === undefined ? 'success' : parseCondition(input.if)!,
    continueOnError: input['continue-on-error'] ?? false,
    env: toStrings(input.env),
    retry: input.retry ?? 0,
    runsOn: toList(input['runs-on']),
    network: input.network ?? true,
    cache: buildCache(input.cache),
    steps: input.steps.map(buildStep),
  };
  if (input.matrix !== undefined) stage.matrix = toMatrixSpec(input.matrix);
  if (input.timeout !== undefined) stage.timeoutMs = parseDurationMs(input.timeout)!;
  if (input['working-directory'] !== undefined) stage.workingDirectory = input['working-directory'];
  if (input.environment !== undefined) stage.environment = input.environment;
  if (input.artifacts !== undefined) {
    const artifacts = input.artifacts;
    if (Array.isArray(artifacts)) stage.artifacts = { paths: artifacts };
    else {
      stage.artifacts = { paths: artifacts.paths };
      if (artifacts['expire-in'] !== undefined) stage.artifacts.expireInMs = parseDurationMs(artifacts['expire-in'])!;
      if (artifacts.when !== undefined) stage.artifacts.when = artifacts.when;
    }
  }
  return stage;
}

function buildStep(input: StepInput): StepSpec {
  const step: StepSpec = {
    name: input.name ?? deriveStepName(input),
    with: toStrings(input.with),
    env: toStrings(input.env),
    retry: input.retry ?? 0,
    continueOnError: input['continue-on-error'] ?? false,
  };
  if (input.run !== undefined) step.run = input.run;
  if (input.uses !== undefined) step.uses = input.uses;
  if (input.approval !== undefined) {
    step.approval = {
      approvers: input.approval.approvers ?? 1,
      timeoutMs: input.approval.timeout === undefined ? DEFAULT_APPROVAL_TIMEOUT_MS : parseDurationMs(input.approval.timeout)!,
    };
  }
  if (input.timeout !== undefined) step.timeoutMs = parseDurationMs(input.timeout)!;
  if (input['working-directory'] !== undefined) step.workingDirectory = input['working-directory'];
  if (input.network !== undefined) step.network = input.network;
  return step;
}

function deriveStepName(input: StepInput): string {
  if (input.uses !== undefined) return input.uses;
  if (input.approval !== undefined) {
    const count = input.approval.approvers ?? 1;
    return `approval (${count} approver${count === 1 ? '' : 's'})`;
  }
  const firstLine = (input.run ?? '').split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  return firstLine.length > MAX_DEFAULT_NAME_CHARS ? `${firstLine.slice(0, MAX_DEFAULT_NAME_CHARS - 1)}…` : firstLine;
}

function buildCache(input: StageInput['cache']): CacheSpec[] {
  if (input === undefined) return [];
  return (Array.isArray(input) ? input : [input]).map((entry) => ({
    key: entry.key,
    paths: entry.paths,
    restoreKeys: entry['restore-keys'] ?? [],
  }));
}

export function toMatrixSpec(input: MatrixInput): MatrixSpec {
  const axes = Object.fromEntries(
    Object.entries(input).filter(([key]) => key !== 'include' && key !== 'exclude'),
  ) as Record<string, MatrixValue[]>;
  return { axes, include: input.include ?? [], exclude: input.exclude ?? [] };
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function toStrings(record: Record<string, MatrixValue> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, String(value)]));
}
