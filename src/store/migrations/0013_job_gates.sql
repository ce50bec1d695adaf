-- Jobs held at their environment's gate (src/scheduler/hold-gated-jobs.ts), and who made a run's change.
-- A gated job stays `pending` with gate_id set until advanceGates sees its gate pass (queued) or refuse
-- (failed): it waits for its gate as it waits for its needs, so the claim query is unchanged.
ALTER TABLE jobs
  -- The gate the job waits at, or passed; NULL for jobs without one. Kept after the gate is decided, so
  -- a job's approvals can be found from it.
  ADD COLUMN gate_id bigint REFERENCES approval_requests (id) ON DELETE SET NULL;

-- advanceGates reads the held jobs on every dispatcher tick.
CREATE INDEX jobs_held_at_gate_idx ON jobs (gate_id) WHERE status = 'pending' AND gate_id IS NOT NULL;

-- The change's author (webhook sender; a manual run's x-slipway-actor), whom gates never let approve.
-- NULL when nobody is known (schedules, anonymous manual runs).
ALTER TABLE runs ADD COLUMN author text CHECK (author <> '');
