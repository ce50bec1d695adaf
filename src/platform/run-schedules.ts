import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { readPipelineFromRef } from '../api/start-run-from-repo.js';
import type { Clock } from '../clock/clock.js';
import { enqueueRun, runScheduling } from '../scheduler/index.js';
import { type Db, listProjectsWithRepo } from '../store/index.js';
import { claimScheduleTick, dueSchedules } from '../triggers/index.js';

/** How often the schedules are looked at. */
export const defaultScheduleIntervalMs = 15_000;
/** The mirrors the run routes read from by default (AgentRouteDeps.mirrorCacheDir). */
export const defaultMirrorCacheDir = join(tmpdir(), 'slipway-mirrors');

export interface FireSchedulesDeps {
  db: Db;
  clock: Clock;
  mirrorCacheDir: string;
  logger: Pick<FastifyBaseLogger, 'warn' | 'info'>;
}

/**
 * One pass: for every project with a repository, its default branch's pipeline is read and each of
 * its `trigger.schedule` entries with a tick in (since, now] is claimed and enqueued in one
 * transaction (trigger `schedule`), so a tick runs once across all servers. A project whose
 * pipeline cannot be read is logged and skipped. Returns the ids of the runs created.
 */
export async function fireDueSchedules(deps: FireSchedulesDeps, since: Date): Promise<number[]> {
  const runIds: number[] = [];
  for (const project of await listProjectsWithRepo(deps.db)) {
    try {
      const read = await readPipelineFromRef({ repoUrl: project.repoUrl, ref: project.defaultBranch, cacheDir: deps.mirrorCacheDir });
      for (const due of dueSchedules(read.pipeline.trigger.schedule ?? [], deps.clock, { since })) {
        const runId = await deps.db.transaction(async (tx) => {
          const tick = { projectId: project.id, cron: due.schedule.cron, tickAt: due.tickAt };
          const claimed = await claimScheduleTick(tx, due.schedule.timezone === undefined ? tick : { ...tick, timezone: due.schedule.timezone });
          if (!claimed) return undefined;
          const { run } = await enqueueRun(tx, deps.clock, {
            projectId: project.id,
            ref: project.defaultBranch,
            commitSha: read.commitSha,
            trigger: 'schedule',
            plan: read.plan,
            ...runScheduling(read.plan, { project: project.name, ref: project.defaultBranch }),
          });
          return run.id;
        });
        if (runId !== undefined) {
          runIds.push(runId);
          deps.logger.info({ project: project.name, cron: due.schedule.cron, runId }, 'scheduled run started');
        }
      }
    } catch (error) {
      deps.logger.warn({ err: error, project: project.name }, 'schedules of this project were not checked');
    }
  }
  return runIds;
}

export interface ScheduleLoop {
  /** Stops the timer and waits for a pass in progress. Idempotent. */
  stop(): Promise<void>;
}

/** fireDueSchedules every intervalMs, each pass covering the time since the previous one began. */
export function startScheduleLoop(deps: FireSchedulesDeps & { intervalMs?: number }): ScheduleLoop {
  const intervalMs = deps.intervalMs ?? defaultScheduleIntervalMs;
  let since = new Date(deps.clock.now());
  let pass: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    pass = pass.then(async () => {
      const now = new Date(deps.clock.now());
      await fireDueSchedules(deps, since).catch((error: unknown) => deps.logger.warn({ err: error }, 'the schedule pass failed'));
      since = now;
    });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
}
