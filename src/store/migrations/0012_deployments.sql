-- Releases, deployments and what each environment serves (src/deploy/releases, src/deploy/controller).
-- Times come from the server's injected clock (parameters), not now(), like 0007 and 0008.

-- An immutable release of a service: its files (an archive in the blob store, named by digest) and
-- how it runs (the resolved service spec). A second create of one version must match it exactly.
CREATE TABLE releases (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  service text NOT NULL CHECK (service ~ '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$'),
  -- Also part of replica ids and router keys, hence the narrow alphabet.
  version text NOT NULL CHECK (version ~ '^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$'),
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  -- {kind: 'dir', path} or {kind: 'artifact', runId, name}: where the files came from, for people.
  source jsonb NOT NULL CHECK (jsonb_typeof(source) = 'object'),
  config jsonb NOT NULL CHECK (jsonb_typeof(config) = 'object'),
  -- sha256 of config's canonical JSON (sorted keys): the cheap "is it the same release?" check, and an id for people.
  config_hash text NOT NULL CHECK (config_hash ~ '^[0-9a-f]{64}$'),
  created_by text NOT NULL CHECK (created_by <> ''),
  created_at timestamptz NOT NULL,
  UNIQUE (project_id, service, version)
);

-- One attempt to put a release into an environment. `events` is the strategy's RolloutEvent history
-- (what the planner reads back, so a restarted controller reaches the same decisions); `actions` is the
-- log of every action applied, for people.
CREATE TABLE deployments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  environment text NOT NULL CHECK (environment <> ''),
  service text NOT NULL,
  release_id bigint NOT NULL REFERENCES releases (id),
  kind text NOT NULL DEFAULT 'deploy' CHECK (kind IN ('deploy', 'rollback')),
  strategy jsonb NOT NULL CHECK (jsonb_typeof(strategy) = 'object'),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN (
    'queued', 'waiting_approval', 'waiting_lock', 'running', 'paused', 'succeeded', 'failed', 'aborted', 'superseded')),
  idempotency_key text UNIQUE CHECK (idempotency_key <> ''),
  supersede boolean NOT NULL DEFAULT false,
  branch text NOT NULL DEFAULT 'main',
  gate_request_id bigint REFERENCES approval_requests (id) ON DELETE SET NULL,
  -- The release the environment served when the rollout began: where an abort returns traffic.
  stable_release_id bigint REFERENCES releases (id),
  events jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(events) = 'array'),
  actions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(actions) = 'array'),
  -- Set by `slipway abort` (or a rollback); the loop turns it into an `aborted` event.
  abort_requested_by text,
  fencing_token bigint,
  -- {kind: user|infra|timeout|canceled, retryable, message, stderrTail?}
  failure jsonb,
  created_by text NOT NULL CHECK (created_by <> ''),
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz,
  CHECK ((status IN ('succeeded', 'failed', 'aborted', 'superseded')) = (finished_at IS NOT NULL))
);
CREATE INDEX deployments_environment_idx ON deployments (project_id, environment, id DESC);
CREATE INDEX deployments_active_idx ON deployments (status) WHERE finished_at IS NULL;

-- Promote and abort requests, written by any server replica, consumed (deleted) by the deployment's loop
-- in the same transaction that appends them to its events: each is applied exactly once.
CREATE TABLE deployment_signals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  deployment_id bigint NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('promote', 'abort')),
  full_promotion boolean NOT NULL DEFAULT false,
  reason text NOT NULL DEFAULT '',
  actor text NOT NULL CHECK (actor <> ''),
  created_at timestamptz NOT NULL
);
CREATE INDEX deployment_signals_deployment_idx ON deployment_signals (deployment_id, id);

-- The stable release of each service in each environment: set when a deployment succeeds, guarded by
-- the environment lock's fencing token (a deployment that lost its lock cannot overwrite a successor).
CREATE TABLE environment_releases (
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  environment text NOT NULL,
  service text NOT NULL,
  release_id bigint NOT NULL REFERENCES releases (id),
  deployment_id bigint NOT NULL REFERENCES deployments (id),
  fencing_token bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, environment, service)
);
