import type { PlannedJob } from '../../pipeline/index.js';

/** What the server pushes to an agent as `event: job` on its jobs stream. */
export interface JobAssignment {
  jobId: number;
  /** Carry it with every heartbeat, log chunk and the result; a newer claim makes it stale. */
  fencingToken: number;
  /** The lease ends this long after the last accepted heartbeat. */
  leaseMs: number;
  /** Where this attempt's output starts in the job's log: a retried job appends after earlier attempts. */
  logOffset: number;
  job: PlannedJob;
  runId: number;
  repoUrl?: string;
  commitSha?: string;
  /**
   * The job's secrets by name (project-wide, overridden by the job's environment's), in plaintext.
   * The agent stream is the only place secret values travel: over loopback for a local agent, and
   * over TLS (an https server URL behind a terminating proxy) for remote agents in production.
   * Never log an assignment.
   */
  secrets?: Record<string, string>;
}
