-- Artifacts and caches: rows naming content-addressed blobs (src/blobs). The blobs themselves live in the
-- blob store (filesystem or S3), not here; a digest may be shared by several rows.

-- One archive of files a job uploaded, for later jobs of the same run (those that `needs` it).
CREATE TABLE artifacts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id bigint NOT NULL,
  job_key text NOT NULL,
  name text NOT NULL CHECK (name <> ''),
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CHECK (size >= 0),
  file_count integer NOT NULL CHECK (file_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- NULL: kept until its run is deleted.
  expires_at timestamptz,
  FOREIGN KEY (run_id, job_key) REFERENCES jobs (run_id, job_key) ON DELETE CASCADE,
  -- A retried job uploads again and replaces its artifact of the same name.
  UNIQUE (run_id, job_key, name)
);

-- For the reaper of expired artifacts.
CREATE INDEX artifacts_expires_at_idx ON artifacts (expires_at) WHERE expires_at IS NOT NULL;

-- A cache entry: immutable once saved (a key on a scope is never overwritten, as in GitHub Actions).
CREATE TABLE caches (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- The branch that saved it; restores look in the run's branch, then the default branch.
  scope text NOT NULL CHECK (scope <> ''),
  key text NOT NULL CHECK (key <> '' AND length(key) <= 512),
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CHECK (size >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, scope, key)
);

-- Restore-key lookups are prefix matches (LIKE 'prefix%'), which only text_pattern_ops can serve.
CREATE INDEX caches_key_prefix_idx ON caches (project_id, scope, key text_pattern_ops);
