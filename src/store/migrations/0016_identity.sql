-- People, teams and API tokens (src/identity). Teams own projects; a member's role in a team applies
-- to every project of that team. Token and session secrets are never stored: only their SHA-256.
-- Times come from the server's injected clock (parameters), like 0007 and 0008.

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  -- Administrators see and change everything, whatever their teams.
  admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);

CREATE TABLE teams (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  created_at timestamptz NOT NULL
);

CREATE TABLE team_members (
  team_id bigint NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('viewer', 'developer', 'maintainer', 'admin')),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);

-- API tokens of people (kind 'user') and of build agents (kind 'agent', no user). The secret is shown
-- once when issued; `prefix` (its first characters) is what lists show to tell tokens apart.
CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('user', 'agent')),
  user_id bigint REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (name <> ''),
  secret_hash text NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  prefix text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  CHECK ((kind = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Browser sessions of the web UI, opened with an API token: they end with it (revoked or expired).
-- Requests that change something must echo the session's CSRF token in x-csrf-token.
CREATE TABLE sessions (
  secret_hash text PRIMARY KEY CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  token_id bigint NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
  csrf_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_token_idx ON sessions (token_id);

-- The owning team; NULL only for projects made before teams existed, which the first start gives to
-- the team `default`.
ALTER TABLE projects ADD COLUMN team_id bigint REFERENCES teams (id);
CREATE INDEX projects_team_idx ON projects (team_id);
