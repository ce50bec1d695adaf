-- OpenTelemetry trace export (src/tracing): what has been handed to the OTLP exporter, so that every
-- server replica, and a restart, exports each finished run and deployment once. Times come from the
-- server's injected clock (parameters), like 0007 and 0008.

-- One row per exported subject (run:<id>, deployment:<id>). The insert is the claim: only the replica
-- whose insert lands exports the subject's spans (at most once; an export that then fails is lost, as
-- spans dropped by a full batch queue are).
CREATE TABLE trace_exports (
  subject text PRIMARY KEY CHECK (subject ~ '^(run|deployment):[0-9]+$'),
  exported_at timestamptz NOT NULL
);

-- Where the exporter has read up to, per source table, like notification_cursors: it re-reads an
-- overlap behind the watermark, and trace_exports drops what it already exported. `floor` is when
-- tracing was first enabled: older history is not exported.
CREATE TABLE trace_export_cursors (
  source text PRIMARY KEY CHECK (source IN ('runs', 'deployments')),
  watermark timestamptz NOT NULL,
  floor timestamptz NOT NULL
);

-- The exporter's poll (and the notifier's) reads recently finished rows every second or two: without
-- these, each poll scans every run and deployment ever made.
CREATE INDEX runs_finished_at_idx ON runs (finished_at, id) WHERE finished_at IS NOT NULL;
CREATE INDEX deployments_finished_at_idx ON deployments (finished_at, id) WHERE finished_at IS NOT NULL;
