-- Triggers: webhook deliveries seen (so a redelivery starts no second run) and the last tick each
-- schedule fired (so several servers fire each tick once).

CREATE TABLE webhook_deliveries (
  provider text NOT NULL CHECK (provider IN ('github', 'gitlab')),
  -- X-GitHub-Delivery, X-Gitlab-Event-UUID, or sha256:<hex of the body> for older GitLab.
  delivery_id text NOT NULL CHECK (delivery_id <> ''),
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- null until the run exists, and for deliveries that start none (ignored or filtered out).
  run_id bigint REFERENCES runs (id) ON DELETE SET NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, delivery_id)
);

-- Pruning old deliveries by age.
CREATE INDEX webhook_deliveries_received_at_idx ON webhook_deliveries (received_at);

CREATE TABLE schedule_ticks (
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  cron text NOT NULL,
  timezone text NOT NULL DEFAULT 'UTC',
  -- Only moves forward: claiming a tick at or before it fails.
  last_tick_at timestamptz NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, cron, timezone)
);
