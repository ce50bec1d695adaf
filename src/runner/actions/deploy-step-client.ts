/**
 * What the `deploy` action needs from a server. The runner does not know HTTP or the deploy domain:
 * the agent implements this over its job routes (agent/create-deploy-step-client.ts), and a local run
 * has none, so there the action explains that deployments need a server.
 */
export interface DeployStepClient {
  /** The job's `environment:`; undefined when the job has none (a deploy step then fails at once). */
  environment: string | undefined;
  /** Uploads the release files (when `release.dir`) and submits the deployment; idempotent per step. */
  submit(request: DeployStepRequest): Promise<DeployStepAnswer<{ deployment: DeployStepDeployment; created: boolean }>>;
  read(deploymentId: number): Promise<DeployStepAnswer<{ deployment: DeployStepDeployment }>>;
  abort(deploymentId: number, reason: string): Promise<DeployStepAnswer<{ deployment: DeployStepDeployment }>>;
}

export interface DeployStepRequest {
  stepIndex: number;
  /** The parsed service spec; validated by the server, which names every bad field. */
  service: unknown;
  strategy?: unknown;
  /** Default (server side): the run's commit sha, short, or `run-<number>`. */
  version?: string;
  /** An absolute directory in the workspace, or a needed job's artifact by name. */
  release: { dir: string } | { artifact: string };
}

/**
 * A refused call is `ok: false`: `retryable` for network trouble and 5xx (the server may come back),
 * not for a 4xx (the request itself is wrong: a bad spec, an unknown environment, a stale lease).
 */
export type DeployStepAnswer<T> = ({ ok: true } & T) | { ok: false; retryable: boolean; message: string };

/** What the step shows of a deployment: structurally the API's deployment, loosely typed on purpose. */
export interface DeployStepDeployment {
  id: number;
  environment: string;
  service: string;
  version: string;
  status: string;
  gateRequestId: number | null;
  stableVersion: string | null;
  actions: { timeMs: number; action: { type: string; [key: string]: unknown } }[];
  events: { type: string; timeMs: number; [key: string]: unknown }[];
  failure: { kind: string; message: string; stderrTail?: string[] } | null;
}
