-- The base of pipeline runs: projects, their runs, one job per planned job, one step per job step.
-- Enumerations are text with CHECK constraints; their values mirror src/store/runs/run.ts.

CREATE TABLE projects (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name <> ''),
  repo_url text,
  default_branch text NOT NULL DEFAULT 'main',
  -- The last run number handed out. Bumping it takes the project's row lock, so concurrent triggers
  -- get consecutive numbers, and a rolled-back run gives its number back (a sequence would not).
  last_run_number integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id),
  number integer NOT NULL CHECK (number > 0),
  ref text NOT NULL,
  commit_sha text,
  trigger text NOT NULL CHECK (trigger IN ('push', 'pull_request', 'manual', 'schedule', 'local')),
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  pipeline_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  UNIQUE (project_id, number)
);

-- Newest runs of a project first.
CREATE INDEX runs_project_id_id_idx ON runs (project_id, id DESC);

CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  job_key text NOT NULL,
  stage text NOT NULL,
  needs text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'canceled')),
  attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  failure jsonb CHECK (
    failure IS NULL OR (
      jsonb_typeof(failure) = 'object'
      AND failure ->> 'kind' IN ('user', 'infra', 'timeout', 'canceled')
      AND jsonb_typeof(failure -> 'retryable') = 'boolean'
      AND jsonb_typeof(failure -> 'message') = 'string'
    )
  ),
  started_at timestamptz,
  finished_at timestamptz,
  UNIQUE (run_id, job_key),
  CHECK (status <> 'failed' OR failure IS NOT NULL)
);

CREATE TABLE steps (
  job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  idx integer NOT NULL CHECK (idx >= 0),
  name text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped', 'canceled')),
  exit_code integer,
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (job_id, idx)
);
