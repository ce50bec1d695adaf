-- Which project a canary rollout belongs to, so the canary routes and the gRPC service show and take
-- telemetry only for rollouts of the caller's teams (src/canary/decisions/team-scope.ts). Set by the
-- deploy controller when it registers a deployment's rollout; NULL for a rollout registered without a
-- deployment, which only administrators see.
ALTER TABLE canary_rollouts ADD COLUMN project_id bigint REFERENCES projects (id) ON DELETE CASCADE;

-- Rollouts registered before this migration are named after their deployment.
UPDATE canary_rollouts r SET project_id = d.project_id
  FROM deployments d
  WHERE r.project_id IS NULL AND r.id = 'deployment-' || d.id::text;

CREATE INDEX canary_rollouts_project_idx ON canary_rollouts (project_id);
