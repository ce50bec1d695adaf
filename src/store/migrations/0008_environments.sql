-- Deployment environments and their protection rules, and the gates (approval requests) deployments
-- wait at, with every approval or rejection (src/deploy/environments, src/deploy/approvals).
-- Times come from the server's injected clock (parameters), not now(), like 0007.

-- Set by maintainers over the API/CLI, never by the pipeline file: a pull request cannot loosen its gate.
CREATE TABLE environments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  -- Validated by protection-rules.ts (zod) before every write; stored with defaults filled in.
  rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'object'),
  -- Optimistic concurrency: an update naming an older version is refused instead of overwriting.
  version integer NOT NULL DEFAULT 1 CHECK (version > 0),
  created_by text NOT NULL CHECK (created_by <> ''),
  updated_by text NOT NULL CHECK (updated_by <> ''),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (project_id, name)
);

-- One gate a deployment (or an inline approval step) waits at.
CREATE TABLE approval_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- NULL for an inline approval step, or once the environment was deleted (environment keeps its name).
  environment_id bigint REFERENCES environments (id) ON DELETE SET NULL,
  environment text,
  run_id bigint REFERENCES runs (id) ON DELETE CASCADE,
  job_key text,
  deployment_ref text,
  author text NOT NULL CHECK (author <> ''),
  branch text NOT NULL CHECK (branch <> ''),
  -- The rules in force when the gate opened: what an inline gate, or one whose environment is gone, uses.
  rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'object'),
  required_approvals integer NOT NULL CHECK (required_approvals >= 0),
  risk_score integer CHECK (risk_score BETWEEN 0 AND 100),
  -- [{name, points, maxPoints, explanation}], one per factor of score-risk.ts.
  risk_factors jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(risk_factors) = 'array'),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'auto-approved')),
  -- Why the gate is (or was left) in its status, one line per rule: the latest evaluation.
  reasons text[] NOT NULL DEFAULT '{}',
  expires_at timestamptz,
  created_at timestamptz NOT NULL,
  decided_at timestamptz,
  CHECK ((status = 'pending') = (decided_at IS NULL))
);

CREATE INDEX approval_requests_pending_idx ON approval_requests (expires_at) WHERE status = 'pending';
CREATE INDEX approval_requests_project_idx ON approval_requests (project_id, id DESC);
CREATE INDEX approval_requests_run_idx ON approval_requests (run_id) WHERE run_id IS NOT NULL;

-- Every accepted decision on a gate. Refused attempts (the author, a role that may not approve) throw
-- and leave no row; the audit log records those.
CREATE TABLE approvals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id bigint NOT NULL REFERENCES approval_requests (id) ON DELETE CASCADE,
  actor text NOT NULL CHECK (actor <> ''),
  role text NOT NULL CHECK (role <> ''),
  decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
  comment text NOT NULL DEFAULT '',
  decided_at timestamptz NOT NULL,
  -- One decision per actor per gate: a second approval by the same person must not count twice.
  UNIQUE (request_id, actor)
);
