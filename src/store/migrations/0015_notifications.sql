-- Alert notifications (src/notify): webhook endpoints set by maintainers, the events decided from the
-- store (failed default-branch runs, rolled-back deployments, approvals waiting), and one delivery per
-- event and endpoint. Times come from the server's injected clock (parameters), like 0007 and 0008.

CREATE TABLE notification_webhooks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  -- Validated by webhook-input.ts (http or https) before every write.
  url text NOT NULL CHECK (url ~ '^https?://'),
  -- Which event kinds it receives: run.failed, deployment.rolled_back, approval.waiting.
  events text[] NOT NULL CHECK (cardinality(events) > 0),
  -- Project names it is limited to; empty: every project.
  projects text[] NOT NULL DEFAULT '{}',
  -- 'env': the SLIPWAY_NOTIFY_WEBHOOK_URL endpoint, rewritten (or removed) at every start.
  source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'env')),
  created_by text NOT NULL CHECK (created_by <> ''),
  updated_by text NOT NULL CHECK (updated_by <> ''),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- One thing worth telling people about. (kind, subject) is unique: every server replica may decide the
-- same event, and only the first insert creates it and its deliveries, so nobody is told twice.
CREATE TABLE notification_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('run.failed', 'deployment.rolled_back', 'approval.waiting')),
  -- run:<id>, deployment:<id>, approval:<id>
  subject text NOT NULL CHECK (subject <> ''),
  project text NOT NULL,
  -- The raw event fields, as sent in the payload's `event`.
  fields jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'object'),
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (kind, subject)
);

-- Where the detector has read up to, per source table. It re-reads an overlap behind the watermark
-- (rows whose time was taken before a slower transaction committed) and the events' unique key drops
-- what it already saw; `floor` is when notifications were first enabled: nothing older is announced.
CREATE TABLE notification_cursors (
  source text PRIMARY KEY CHECK (source IN ('runs', 'deployments', 'approvals')),
  watermark timestamptz NOT NULL,
  floor timestamptz NOT NULL
);

-- The outbox: one row per event and endpoint, created with the event. Workers claim due rows by
-- pushing next_attempt_at past a lease, so a crashed worker's claim comes due again (at least once).
CREATE TABLE notification_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id bigint NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
  webhook_id bigint NOT NULL REFERENCES notification_webhooks (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  last_status_code integer,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (event_id, webhook_id),
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_webhook_idx ON notification_deliveries (webhook_id, id DESC);
