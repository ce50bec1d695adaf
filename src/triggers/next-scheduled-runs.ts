import { Cron } from 'croner';
import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { CRON_MODE, type ScheduleSpec } from '../pipeline/index.js';

export interface ScheduledRun {
  schedule: ScheduleSpec;
  /** The tick: the instant the cron expression names. claimScheduleTick keys on it. */
  tickAt: Date;
}

export interface NextScheduledRunsOptions {
  /** Exclusive; default the clock's now. */
  from?: Date;
  /** Inclusive. */
  to: Date;
  /** Cap on the ticks returned, so `* * * * *` over a year cannot build a 500 000-entry list. Default 1000. */
  maxRuns?: number;
}

/** Every tick of every schedule in (from, to], earliest first (ties in schedule order). */
export function nextScheduledRuns(
  schedules: readonly ScheduleSpec[],
  clock: Clock,
  options: NextScheduledRunsOptions,
): ScheduledRun[] {
  const from = options.from ?? new Date(clock.now());
  const maxRuns = options.maxRuns ?? 1000;
  const runs: ScheduledRun[] = [];
  for (const schedule of schedules) {
    const cron = compileSchedule(schedule);
    // Each schedule contributes at most maxRuns: enough for the first maxRuns of all of them.
    for (let at = cron.nextRun(from), n = 0; at !== null && at <= options.to && n < maxRuns; at = cron.nextRun(at), n++) {
      runs.push({ schedule, tickAt: at });
    }
  }
  return runs.sort((a, b) => a.tickAt.getTime() - b.tickAt.getTime()).slice(0, maxRuns);
}

/**
 * For each schedule, its latest tick in (since, now], if any. One per schedule however many were
 * missed: a server that was down for a day runs the nightly pipeline once, not once per missed tick.
 * A candidate only — claimScheduleTick decides which server fires it.
 */
export function dueSchedules(schedules: readonly ScheduleSpec[], clock: Clock, options: { since: Date }): ScheduledRun[] {
  const now = clock.now();
  const due: ScheduledRun[] = [];
  for (const schedule of schedules) {
    // previousRuns is strictly before its reference: +1 ms makes a tick at exactly `now` due.
    const [latest] = compileSchedule(schedule).previousRuns(1, new Date(now + 1));
    if (latest !== undefined && latest > options.since) due.push({ schedule, tickAt: latest });
  }
  return due;
}

/** The same reading of a schedule that pipeline validation accepted: five fields, UTC unless told. */
function compileSchedule(schedule: ScheduleSpec): Cron {
  try {
    return new Cron(schedule.cron, { mode: CRON_MODE, timezone: schedule.timezone ?? 'UTC', paused: true });
  } catch (error) {
    throw new AppError(ErrorCode.invalidArgument, `schedule '${schedule.cron}' is not a valid cron expression`, {
      cause: error,
    });
  }
}
