-- The deployment lock of each environment (src/deploy/lock/postgres): at most one holder per key, a
-- fencing token per key, and a FIFO queue of waiters. Times come from the server's injected clock
-- (passed as parameters), not from now(), so every comparison uses the same clock as the caller.

-- One row per key, kept after release so the fencing token never goes back.
CREATE TABLE deploy_locks (
  key text PRIMARY KEY CHECK (key <> ''),
  -- NULL when free; an expired holder counts as free.
  holder text CHECK (holder <> ''),
  -- Bumped by every acquisition, never lowered: writes carrying an older token are refused by callers.
  fencing_token bigint NOT NULL DEFAULT 0 CHECK (fencing_token >= 0),
  acquired_at timestamptz,
  expires_at timestamptz,
  CONSTRAINT deploy_locks_lease_complete CHECK (
    (holder IS NULL) = (expires_at IS NULL) AND (holder IS NULL) = (acquired_at IS NULL))
);

-- Waiters for a key, served in id (arrival) order.
CREATE TABLE deploy_lock_waiters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL CHECK (key <> ''),
  holder text NOT NULL CHECK (holder <> ''),
  enqueued_at timestamptz NOT NULL,
  -- A waiter that stops polling loses its place after this.
  alive_until timestamptz NOT NULL,
  -- Set when a later waiter of the key superseded this one; the row stays until the waiter sees it.
  superseded_by text
);

CREATE INDEX deploy_lock_waiters_key_idx ON deploy_lock_waiters (key, id);
