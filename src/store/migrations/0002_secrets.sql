-- Secrets of projects and their environments, sealed with AES-256-GCM (src/secrets/secret-crypto.ts).
-- There is no plaintext column, and none may be added: values leave this table only to run a job.

CREATE TABLE secrets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- NULL: project-wide. A job in an environment sees that environment's secret instead of the
  -- project-wide one of the same name. '' is refused so it cannot collide with NULL in the index below.
  environment text CHECK (environment <> ''),
  name text NOT NULL CHECK (name ~ '^[A-Z_][A-Z0-9_]*$'),
  -- Ciphertext followed by the 16-byte authentication tag; (project_id, environment, name) is the
  -- additional authenticated data, so a value copied into another row fails to decrypt.
  ciphertext bytea NOT NULL CHECK (octet_length(ciphertext) > 16),
  nonce bytea NOT NULL CHECK (octet_length(nonce) = 12),
  -- Which master key sealed the value (a hash prefix, not the key), for rotation.
  key_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One secret per name and scope; NULL environments compare equal through coalesce.
CREATE UNIQUE INDEX secrets_scope_name_idx ON secrets (project_id, (coalesce(environment, '')), name);
