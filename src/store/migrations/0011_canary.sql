-- Canary rollouts and the decisions made about them (src/canary/decisions). Times come from the
-- server's injected clock (parameters), not now(), like 0007 and 0008.

-- One rollout under canary analysis. The id is chosen by whoever starts it (the deploy controller),
-- so telemetry producers can be told it before the row exists anywhere else.
CREATE TABLE canary_rollouts (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
  service text NOT NULL CHECK (service <> '' AND length(service) <= 200),
  -- 1-based, as the engine counts steps.
  current_step integer NOT NULL DEFAULT 1 CHECK (current_step >= 1),
  policy_version text NOT NULL CHECK (policy_version <> ''),
  -- The engine's RolloutState (src/canary/engine/decision.ts).
  state text NOT NULL DEFAULT 'progressing' CHECK (state IN ('progressing', 'paused', 'rolled_back', 'completed')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX canary_rollouts_service ON canary_rollouts (service);

-- Append-only, and only actionable decisions: the engine's NONE is neither stored nor published.
-- A decision is written once: retries and racing evaluators (several server replicas may briefly
-- believe they own a rollout) carry the same idempotency key, and only the first insert lands.
-- Inserts are serialised by an advisory lock (record-decision.ts) so that sequence order is commit
-- order: a reader that has seen sequence N will never later find a committed M < N, which is what lets
-- WatchDecisions resume "after N" without a gap. Keep the sequence's CACHE at 1 for the same reason.
-- Numbers are not dense: a duplicate or rolled-back insert still consumes one.
CREATE TABLE canary_decisions (
  sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rollout_id text NOT NULL REFERENCES canary_rollouts (id) ON DELETE CASCADE,
  step integer NOT NULL CHECK (step >= 0),
  action text NOT NULL CHECK (action IN ('PROMOTE', 'PAUSE', 'ROLLBACK')),
  verdict text NOT NULL CHECK (verdict IN ('NO_DATA', 'ERROR', 'INCONCLUSIVE', 'FAIL', 'PASS')),
  reasons jsonb NOT NULL CHECK (jsonb_typeof(reasons) = 'array'),
  evidence jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'object'),
  policy_version text NOT NULL CHECK (policy_version <> ''),
  idempotency_key text NOT NULL UNIQUE CHECK (idempotency_key <> '' AND length(idempotency_key) <= 300),
  created_at timestamptz NOT NULL
);
-- Watching one rollout after a sequence; the primary key serves the unfiltered watch.
CREATE INDEX canary_decisions_rollout_sequence ON canary_decisions (rollout_id, sequence);
