/**
 * Validation of `trigger.schedule` entries with croner, the library the scheduler fires them with,
 * so a pattern accepted here is one that will run. Five fields only (minute precision, as in
 * GitHub and GitLab): a seconds field would let a pipeline start every second.
 */
import { Cron } from 'croner';

export const CRON_MODE = '5-part';

const cronHelp = "must be a cron expression like '0 3 * * *' (minute hour day-of-month month day-of-week)";

/** What is wrong with `cron`, as a predicate ("must be ..."), or undefined when it is usable. */
export function describeCronProblem(cron: string): string | undefined {
  let next: Date | null;
  try {
    next = new Cron(cron, { mode: CRON_MODE, timezone: 'UTC', paused: true }).nextRun(new Date(0));
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    return `${cronHelp} (${reason})`;
  }
  return next === null ? 'must fire at least once — this pattern matches no date (e.g. 31 February)' : undefined;
}

/** What is wrong with an IANA time zone name, or undefined when the runtime knows it. */
export function describeTimezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return "must be an IANA time zone like 'UTC' or 'Europe/Berlin'";
  }
}
