-- What the scheduler needs to hand jobs to agents: each job's planned work and placement, a lease with
-- a fencing token, retry bookkeeping; a run's cancel request; the agents themselves.
-- Job statuses stay those of 0001: a job waiting for its concurrency group or its backoff is `queued`
-- (its ready_at and group decide when it can be claimed).

ALTER TABLE jobs
  -- The PlannedJob an agent executes (src/pipeline/model.ts); NULL only for jobs made without a plan.
  ADD COLUMN plan jsonb,
  -- Labels an agent must all have to take the job; empty = any agent.
  ADD COLUMN runs_on text[] NOT NULL DEFAULT '{}',
  -- Higher first.
  ADD COLUMN priority integer NOT NULL DEFAULT 0,
  -- At most one job of a group runs at a time; queued jobs of a group start in id order.
  ADD COLUMN concurrency_group text CHECK (concurrency_group <> ''),
  -- Set on the jobs of a run that, when enqueued, canceled the older runs of its group.
  ADD COLUMN cancel_in_progress boolean NOT NULL DEFAULT false,
  -- A queued job is not claimed before this (retry backoff); also its place in the queue.
  ADD COLUMN ready_at timestamptz NOT NULL DEFAULT now(),
  -- The agent holding the job while it runs, and until when; NULL when not running.
  ADD COLUMN lease_owner text,
  ADD COLUMN lease_expires_at timestamptz,
  -- Bumped by every claim, never lowered: a report or heartbeat carrying an older token is refused.
  ADD COLUMN fencing_token bigint NOT NULL DEFAULT 0 CHECK (fencing_token >= 0),
  -- Attempts allowed in all (the first run included).
  ADD COLUMN max_attempts integer NOT NULL DEFAULT 1 CHECK (max_attempts >= 1),
  ADD COLUMN timeout_ms integer CHECK (timeout_ms > 0),
  ADD CONSTRAINT jobs_lease_complete CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL)),
  -- Scheduled jobs (those with a plan) hold a lease exactly while running.
  ADD CONSTRAINT jobs_lease_while_running CHECK (plan IS NULL OR (status = 'running') = (lease_owner IS NOT NULL));

ALTER TABLE runs ADD COLUMN cancel_requested_at timestamptz;

-- The claim query walks this in order and stops at the first job it can lock.
CREATE INDEX jobs_claim_order_idx ON jobs (priority DESC, ready_at, id) WHERE status = 'queued';
-- "Is a job of this group running?" and "is an older job of this group queued?" for the claim query.
CREATE INDEX jobs_concurrency_group_idx ON jobs (concurrency_group, status, id) WHERE concurrency_group IS NOT NULL;
-- The lease reaper.
CREATE INDEX jobs_lease_expires_at_idx ON jobs (lease_expires_at) WHERE status = 'running';
-- "Is any job of this run unfinished?" after every report, without reading the run's finished jobs.
CREATE INDEX jobs_unfinished_by_run_idx ON jobs (run_id) WHERE status IN ('pending', 'queued', 'running');

CREATE TABLE agents (
  id text PRIMARY KEY CHECK (id <> ''),
  name text NOT NULL,
  labels text[] NOT NULL DEFAULT '{}',
  -- Jobs the agent runs at once.
  capacity integer NOT NULL DEFAULT 1 CHECK (capacity > 0),
  last_seen_at timestamptz NOT NULL,
  registered_at timestamptz NOT NULL
);
