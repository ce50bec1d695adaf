/**
 * The shape of `.pipeline.yml` as written (input side). Objects are strict so unknown keys are
 * reported. Cross-field rules (unique stage names, `needs`, one of run/uses/approval, matrix references) live
 * in check-*.ts because they need the whole file; the model is built in build-pipeline.ts.
 * Messages on checks are predicates ("must be ..."); describe-issues.ts prefixes the key.
 */
import { z } from 'zod';
import { describeCronProblem, describeTimezoneProblem } from './check-cron.js';
import { CONDITION_PATTERN } from './parse-condition.js';
import { DURATION_PATTERN, parseDurationMs } from './parse-duration.js';

export const STAGE_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** GitHub's limit; also what keeps planning bounded for any accepted file. */
export const MAX_MATRIX_JOBS = 256;

const durationText = 'must be a duration like 30s, 10m, 1h30m, 500ms, or a number of seconds';

const durationSchema = z
  .union(
    [
      z.number().positive(durationText),
      z
        .string()
        .regex(DURATION_PATTERN, durationText)
        .refine((text) => (parseDurationMs(text) ?? 1) > 0, 'must be longer than 0'),
    ],
    { error: durationText },
  )
  .meta({ id: 'duration', description: '30s, 10m, 1h30m, 500ms, 7d, or a number of seconds.' });

/** Timers cannot wait longer (setTimeout's 2^31-1 ms); no CI job should come near it anyway. */
export const MAX_TIMEOUT_MS = 24 * 24 * 60 * 60 * 1000;

const timeoutSchema = durationSchema.refine(
  (value) => (parseDurationMs(value) ?? 0) <= MAX_TIMEOUT_MS,
  'must be at most 24d — a job or step cannot wait longer than that',
);

const scalarSchema = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean (quote it to be safe)',
});

const envSchema = z
  .record(z.string(), scalarSchema)
  .meta({ id: 'env', description: 'Environment variables; values become strings.' });

const nonEmptyText = (what: string) => z.string().regex(/\S/, `must not be empty — give ${what}`);

/** Replaced by the run's ref in a concurrency group's name. */
export const concurrencyRefPlaceholder = `\${{ ref }}`;

const stringListSchema = z.union([z.string(), z.array(z.string())], {
  error: 'must be a string or a list of strings',
});

const retrySchema = z
  .int({ error: 'must be a whole number from 0 to 10' })
  .min(0, 'must be a whole number from 0 to 10')
  .max(10, 'must be a whole number from 0 to 10');

const conditionSchema = z
  .string()
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the user-facing expression syntax, not a template
  .regex(CONDITION_PATTERN, "must be success(), failure() or always() (also '${{ always() }}')")
  .describe('When the job runs given its needs: success() (default), failure(), always().');

/** Most approvals one step may ask for; an environment's protection rules allow as many. */
export const MAX_APPROVERS = 10;

const approvalSchema = z
  .strictObject({
    approvers: z
      .int({ error: `must be a whole number from 1 to ${MAX_APPROVERS}` })
      .min(1, `must be a whole number from 1 to ${MAX_APPROVERS}`)
      .max(MAX_APPROVERS, `must be a whole number from 1 to ${MAX_APPROVERS}`)
      .optional()
      .describe('Approvals needed (never the change author’s own), 1..10; default 1.'),
    timeout: timeoutSchema.optional().describe('Nobody decided by then: the step fails. Default 24h.'),
  })
  .meta({
    id: 'approval',
    description: 'Wait until people approve (`slipway approve ID`); a rejection fails the step. Needs a server.',
  });

const stepFields = {
  name: z.string().optional().describe("Shown in logs; defaults to the first line of 'run', 'uses', or 'approval'."),
  run: nonEmptyText('a shell command').optional().describe('A shell command. Exactly one of run/uses/approval.'),
  uses: nonEmptyText('an action name').optional().describe('A built-in action. Exactly one of run/uses/approval.'),
  approval: approvalSchema.optional().describe('Wait for approvals. Exactly one of run/uses/approval.'),
  with: z.record(z.string(), scalarSchema).optional().describe("Inputs for 'uses'."),
  env: envSchema.optional(),
  timeout: timeoutSchema.optional(),
  retry: retrySchema.optional().describe('Extra attempts after a failure, 0..10.'),
  'working-directory': z.string().optional(),
  'continue-on-error': z.boolean().optional(),
  network: z.boolean().optional().describe('false = no network for this step; default: the job’s.'),
};

export const stepSchema = z.strictObject(stepFields).meta({ id: 'step' });

const matrixRowSchema = z.record(z.string(), scalarSchema);

export const matrixSchema = z
  .object({
    include: z.array(matrixRowSchema).optional().describe('Extra keys for matching combinations, or new ones.'),
    exclude: z.array(matrixRowSchema).optional().describe('Combinations to drop (partial matches).'),
  })
  .catchall(
    z.array(scalarSchema).min(1, 'must not be empty — list at least one value, e.g. [linux, macos]'),
  )
  .meta({ id: 'matrix', description: `Axis -> values; one job per combination (at most ${MAX_MATRIX_JOBS}).` });

const artifactWhenValues = ['on_success', 'on_failure', 'always'] as const;

const artifactsSchema = z.union([
  z.array(z.string()),
  z.strictObject({
    paths: z.array(z.string()).min(1, 'must not be empty — list at least one path'),
    'expire-in': durationSchema.optional(),
    when: z
      .enum(artifactWhenValues)
      .optional()
      .describe('When to upload: on_success (default), on_failure or always — a failed test report is kept too.'),
  }),
]);

const cacheEntrySchema = z.strictObject({
  key: nonEmptyText('a cache key'),
  paths: z.array(z.string()).min(1, 'must not be empty — list at least one path'),
  'restore-keys': z.array(z.string()).optional(),
});

const stageFields = {
  name: z
    .string()
    .regex(STAGE_NAME_PATTERN, 'must use only letters, digits, _ . and - (e.g. build-linux)'),
  needs: stringListSchema.optional().describe('Stages that must finish first.'),
  if: conditionSchema.optional(),
  'continue-on-error': z.boolean().optional(),
  matrix: matrixSchema.optional(),
  env: envSchema.optional(),
  timeout: timeoutSchema.optional(),
  retry: retrySchema.optional().describe('Extra attempts of the whole job, 0..10.'),
  'working-directory': z.string().optional(),
  environment: z.string().optional().describe('Deployment environment; protection rules apply.'),
  'runs-on': stringListSchema.optional().describe('Agent labels the job needs.'),
  network: z.boolean().optional().describe('false = no network in the sandbox. Default true.'),
  artifacts: artifactsSchema.optional(),
  cache: z.union([cacheEntrySchema, z.array(cacheEntrySchema)]).optional(),
  steps: z.array(stepSchema).min(1, 'must not be empty — add at least one step with run or uses'),
};

export const stageSchema = z.strictObject(stageFields).meta({ id: 'stage' });

const scheduleSchema = z
  .strictObject({
    cron: z
      .string()
      .superRefine((cron, ctx) => {
        const problem = describeCronProblem(cron);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe("minute hour day-of-month month day-of-week, e.g. '0 3 * * *'."),
    timezone: z
      .string()
      .superRefine((timezone, ctx) => {
        const problem = describeTimezoneProblem(timezone);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('IANA time zone of the cron fields; default UTC.'),
  })
  .meta({ id: 'schedule', description: "A cron schedule, e.g. { cron: '0 3 * * *' } (03:00 UTC daily)." });

/** A concurrency group's name; `${{ ref }}` stands for the run's ref (one group per branch). */
const concurrencyGroupSchema = nonEmptyText('the group a name')
  .refine((group) => group.replaceAll(concurrencyRefPlaceholder, '').match(/\$\{\{/) === null, {
    message: `may use no expression but ${concurrencyRefPlaceholder} (the run's ref)`,
  })
  .describe(`Group name, e.g. deploy-production or ci-${'$'}{{ ref }}.`);

export const pipelineSchema = z
  .strictObject({
    name: nonEmptyText('the pipeline a title'),
    trigger: z
      .strictObject({
        branches: stringListSchema.optional().describe("Branch globs, e.g. [main, 'release/*']."),
        paths: stringListSchema.optional().describe("Changed-path globs, e.g. ['src/**']."),
        schedule: z
          .array(scheduleSchema)
          .min(1, "must not be empty — add { cron: '0 3 * * *' } or remove 'schedule'")
          .optional()
          .describe('Also run on these cron schedules (five fields, UTC by default).'),
      })
      .optional(),
    env: envSchema.optional(),
    concurrency: z
      .union([
        concurrencyGroupSchema,
        z.strictObject({
          group: concurrencyGroupSchema,
          'cancel-in-progress': z.boolean().optional().describe("Cancel the group's older unfinished runs; default false (they queue)."),
        }),
      ])
      .optional()
      .describe("At most one run's jobs of the group run at a time; later runs queue. A string is the group."),
    priority: z
      .number()
      .int('must be a whole number')
      .min(-100, 'must be at least -100')
      .max(100, 'must be at most 100')
      .optional()
      .describe('Queued jobs of higher priority are dispatched first; default 0.'),
    stages: z.array(stageSchema).min(1, 'must not be empty — add at least one stage'),
  })
  .meta({ title: 'Slipway pipeline', description: 'A .pipeline.yml file.' });

export type PipelineInput = z.output<typeof pipelineSchema>;
export type StageInput = PipelineInput['stages'][number];
export type StepInput = StageInput['steps'][number];
export type MatrixInput = z.output<typeof matrixSchema>;
