-- The audit log (src/audit): every mutating action, hash-chained. Entries are appended through
-- appendAuditEntry only; `slipway audit verify` recomputes the chain and names the first bad entry.

-- One row: the chain's last entry. Appenders lock it (SELECT … FOR UPDATE) for the rest of their
-- transaction, so appends from any number of server replicas form one linear chain, and seq is
-- gap-free because it is taken from here, not from a sequence (sequences skip on rollback). It also
-- lets the verifier notice entries cut off the end of the log, which a chain alone cannot show.
CREATE TABLE audit_chain_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  -- 0 and the genesis hash (64 zeros) before the first entry.
  seq bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
  hash text NOT NULL DEFAULT repeat('0', 64)
);
INSERT INTO audit_chain_head DEFAULT VALUES;

CREATE TABLE audit_entries (
  -- 1, 2, 3… in chain order, no gaps.
  seq bigint PRIMARY KEY CHECK (seq > 0),
  -- Millisecond precision (the server's clock), so the value hashed is the value read back.
  at timestamptz NOT NULL,
  actor text NOT NULL CHECK (actor <> ''),
  role text NOT NULL,
  -- e.g. run.trigger, secret.set, environment.put (src/audit/audit-entry.ts lists them).
  action text NOT NULL CHECK (action <> ''),
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  -- The project's name (what people filter by), NULL for actions outside a project.
  project text,
  -- Metadata of the subject before and after the change, passed through redact(): never a secret value.
  before jsonb,
  after jsonb,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  -- sha256 (hex) of the canonical JSON of every column above (src/audit/hash-audit-entry.ts).
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);

CREATE INDEX audit_entries_project_idx ON audit_entries (project, seq);
CREATE INDEX audit_entries_actor_idx ON audit_entries (actor, seq);
CREATE INDEX audit_entries_at_idx ON audit_entries (at);

-- Rows are never updated or deleted. This trigger stops mistakes and casual edits; the table's owner
-- can still disable it, which is why the hash chain and `slipway audit verify` are the real guard.
-- (A deployment that wants more REVOKEs UPDATE, DELETE, TRUNCATE from the server's role.)
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only: % on audit_entries is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
