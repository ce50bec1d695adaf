-- Job logs: the bytes a job printed, stored as offset-addressed chunks (src/logs/).
-- One head row per job log: appends lock it, so concurrent or retried appends of a job serialise.
CREATE TABLE job_logs (
  job_id bigint PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  -- Bytes acknowledged to the agent, in the agent's own offsets (grows past the cap: dropped bytes count).
  length bigint NOT NULL DEFAULT 0 CHECK (length >= 0),
  -- Set once the cap is reached; the stored log then ends at capped_at with the truncation marker.
  truncated boolean NOT NULL DEFAULT false,
  capped_at bigint CHECK (capped_at >= 0),
  -- No more output will come (finishLog).
  complete boolean NOT NULL DEFAULT false,
  CHECK (truncated = (capped_at IS NOT NULL))
);

-- Contiguous, non-overlapping pieces covering [0, stored length): one row per append that added bytes,
-- so rows follow the agent's chunk size (up to ~256 KiB), never one row per line.
CREATE TABLE log_chunks (
  job_id bigint NOT NULL REFERENCES job_logs (job_id) ON DELETE CASCADE,
  "offset" bigint NOT NULL CHECK ("offset" >= 0),
  data bytea NOT NULL CHECK (length(data) > 0),
  PRIMARY KEY (job_id, "offset")
);
