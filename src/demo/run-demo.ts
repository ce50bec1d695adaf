import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { ApiRunDetail } from '../cli/api-client.js';
import { formatDecisionRecordLine } from '../cli/commands/rollouts.js';
import { formatTable } from '../cli/format-table.js';
import { type DecisionRecord, formatDecisionEvidence, toEngineDecision } from '../canary/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { createDemoClient, type DemoClient, type DemoDeployment } from './demo-client.js';
import { type DemoVersion, openDemoRepo, exampleDir } from './demo-repo.js';
import { followDemoRun, readLogTail } from './follow-demo-run.js';
import { startSyntheticTraffic, type TrafficTotals } from './synthetic-traffic.js';

export interface DemoOptions {
  serverUrl: string;
  /** Where the demo's git repository is created (a fresh directory inside it). */
  parentDir: string;
  /** Default `demo/hello`. */
  project?: string;
  /** Per run. Default 300 000 ms. */
  runTimeoutMs?: number;
  /** Synthetic requests per second per environment. Default 40. */
  ratePerHost?: number;
  write: (line: string) => void;
}

export interface DemoPhase {
  phase: string;
  result: string;
  seconds: number;
}

export interface DemoResult {
  project: string;
  runs: { v1: ApiRunDetail; v2: ApiRunDetail; v3: ApiRunDetail };
  /** The engine's ROLLBACK of v2's canary, with its evidence. */
  rollback: DecisionRecord;
  /** PROMOTE decisions of v3's production canary, one per analysis step. */
  promotions: DecisionRecord[];
  /** What production answered at the end, by the router's x-slipway-version and the body's version. */
  productionServes: { version: string | undefined; body: string };
  phases: DemoPhase[];
  traffic: TrafficTotals;
}

const services = { staging: 'hello-staging', production: 'hello' } as const;

/**
 * The scenario of `slipway demo`: v1 through the whole pipeline, then v2 with 5% injected errors
 * (its canary rolled back by the engine, with the decision's evidence printed), then v3 promoted
 * through every canary step, with synthetic traffic from before v1 to the end. Talks to a running
 * server only through its HTTP API, as any client would.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { write } = options;
  const client = createDemoClient(options.serverUrl);
  const runTimeoutMs = options.runTimeoutMs ?? 300_000;
  const phases: DemoPhase[] = [];
  const timed = async <T>(phase: string, work: () => Promise<{ value: T; result: string }>): Promise<T> => {
    const started = Date.now();
    const { value, result } = await work();
    const seconds = (Date.now() - started) / 1000;
    phases.push({ phase, result, seconds });
    write(`▶ ${phase}: ${result} (${seconds.toFixed(1)}s)`);
    return value;
  };

  await client.checkReachable();
  const routerUrl = await client.routerUrl();
  const project = options.project ?? 'demo/hello';
  write(`Slipway demo against ${client.baseUrl} (router ${routerUrl}), project ${project}`);

  const slug = (text: string) => text.replace(/[^A-Za-z0-9.-]+/g, '_');
  const repo = await openDemoRepo({ dir: join(options.parentDir, `slipway-demo-${slug(new URL(client.baseUrl).host)}-${slug(project)}`), routerUrl });
  let traffic: ReturnType<typeof startSyntheticTraffic> | undefined;
  try {
    await timed('setup', async () => {
      const policy = await client.setPolicy(await readFile(join(exampleDir, 'policy.yml'), 'utf8'));
      write(`  canary policy ${policy.name} ${policy.version} for new rollouts`);
      write(`  git repository ${repo.dir}${repo.reused ? ' (an earlier demo\'s, committed on top of)' : ''}`);
      // Traffic from before v1 to the end: a rerun's v1 is a canary too, and the engine judges traffic.
      traffic = startSyntheticTraffic({ routerUrl, hosts: [services.staging, services.production], ...(options.ratePerHost ? { ratePerHost: options.ratePerHost } : {}) });
      write(`  synthetic traffic: ${options.ratePerHost ?? 40} req/s each to Host ${services.staging} and ${services.production} via ${routerUrl}`);
      return { value: undefined, result: 'ok' };
    });

    let environmentsSet = false;
    const versionNames = new Map<string, string>();
    const push = async (version: DemoVersion) => {
      const sha = await repo.commitVersion(version);
      versionNames.set(sha.slice(0, 12), version.name);
      const fault = version.faultRate > 0 ? `, FAULT_RATE=${version.faultRate}` : '';
      const triggered = await client.triggerFromRepo({ project, ref: 'main', repoUrl: repo.dir });
      write(`● ${version.name} (commit ${sha.slice(0, 12)}${fault}): run ${triggered.runId}`);
      if (!environmentsSet) {
        // The first run created the project (there is no other way to); its deploy jobs are still
        // behind build and test, so the environments exist before their gates are evaluated.
        for (const environment of ['staging', 'production']) {
          const { created } = await client.maintainer.putEnvironment({ project, name: environment, rules: {} });
          write(`  environment ${environment} of ${project}: ${created ? 'created' : 'updated'} (as maintainer slipway-demo)`);
        }
        environmentsSet = true;
      }
      return followDemoRun({ client, runId: triggered.runId, label: version.name, write, timeoutMs: runTimeoutMs });
    };
    const expectSucceeded = async (run: ApiRunDetail, version: string) => {
      if (run.status === 'succeeded') return;
      throw await explainFailedRun(client, run, `${version} was expected to succeed`);
    };

    const v1 = await timed('v1 build → test → staging → verify → production', async () => {
      const run = await push({ name: 'v1', faultRate: 0 });
      await expectSucceeded(run, 'v1');
      return { value: run, result: run.status };
    });

    const { run: v2, rollback } = await timed('v2 (5% errors) canary rolled back', async () => {
      const run = await push({ name: 'v2', faultRate: 0.05 });
      const staging = await latestDeployment(client, project, 'staging');
      const decision = staging ? await findDecision(client, staging, 'ROLLBACK') : undefined;
      if (run.status !== 'failed' || !staging || staging.status !== 'failed' || !decision) {
        throw await explainFailedRun(client, run, `v2 was expected to be rolled back by the canary engine in staging (deployment: ${staging ? `${staging.id} ${staging.status}` : 'none'})`);
      }
      write(`  ${formatDecisionRecordLine(decision)}`);
      write(`  evidence (slipway rollouts explain ${decision.sequence}):`);
      for (const line of formatDecisionEvidence(toEngineDecision(decision)).split('\n')) write(`    ${line}`);
      const production = await latestDeployment(client, project, 'production');
      write(`  production untouched: still ${production?.version ?? 'nothing'} (deploy-production never ran)`);
      return { value: { run, rollback: decision }, result: `rolled back by decision #${decision.sequence}` };
    });

    const { run: v3, promotions } = await timed('v3 canary promoted through every step', async () => {
      const run = await push({ name: 'v3', faultRate: 0 });
      await expectSucceeded(run, 'v3');
      const production = await latestDeployment(client, project, 'production');
      const decisions = production ? await listRolloutDecisions(client, production) : [];
      const promoted = decisions.filter((d) => d.action === 'PROMOTE');
      for (const d of promoted) write(`  ${formatDecisionRecordLine(d)}`);
      return { value: { run, promotions: promoted }, result: `${run.status}, ${promoted.length} PROMOTE decision(s) in production` };
    });

    const productionServes = await readServedVersion(routerUrl, services.production);
    const totals = await traffic!.stop();
    traffic = undefined;

    write('');
    write(formatTable(['phase', 'result', 'seconds'], phases.map((p) => [p.phase, p.result, p.seconds.toFixed(1)])));
    write('');
    // Releases are versioned by commit; the table names them as the demo does.
    const byVersion = Object.entries(totals.byVersion)
      .map(([version, count]) => {
        const errors = totals.errorsByVersion[version] ?? 0;
        if (version === 'none') return `  (no release)       ${String(count).padStart(6)} requests  ${String(errors).padStart(4)} errors`;
        return `  ${(versionNames.get(version) ?? 'old').padEnd(4)} ${version.padEnd(12)}  ${String(count).padStart(6)} requests  ${String(errors).padStart(4)} errors`;
      });
    write(
      `traffic: ${totals.requests} requests, ${totals.ok} answered by a release, ${totals.errors} errors (${((100 * totals.errors) / Math.max(1, totals.requests)).toFixed(2)}%)` +
        (totals.unrouted > 0 ? `, ${totals.unrouted} before the first release (router 404)` : ''),
    );
    for (const line of byVersion) write(line);
    for (const [host, counts] of Object.entries(totals.byHost)) write(`  ${host}: ${counts.requests} requests, ${counts.errors} errors`);
    write(`production (Host ${services.production}) now serves ${productionServes.body.trim()}`);
    return { project, runs: { v1, v2, v3 }, rollback, promotions, productionServes, phases, traffic: totals };
  } finally {
    await traffic?.stop();
  }
}

async function latestDeployment(client: DemoClient, project: string, environment: string): Promise<DemoDeployment | undefined> {
  const list = await client.listDeployments(project, environment);
  return [...list].sort((a, b) => b.id - a.id)[0];
}

async function listRolloutDecisions(client: DemoClient, deployment: DemoDeployment): Promise<DecisionRecord[]> {
  const page = await client.canary.listDecisions({ after: 0, rollout: `deployment-${deployment.id}` });
  return page.decisions;
}

async function findDecision(client: DemoClient, deployment: DemoDeployment, action: string): Promise<DecisionRecord | undefined> {
  return (await listRolloutDecisions(client, deployment)).find((d) => d.action === action);
}

/** The run failed where the demo did not expect it: say which job, why, and the end of its log. */
async function explainFailedRun(client: DemoClient, run: ApiRunDetail, what: string): Promise<AppError> {
  const failed = run.jobs.find((job) => job.status === 'failed');
  const lines = [`${what}, but run ${run.id} ${run.status}`];
  if (failed) {
    lines.push(`job ${failed.jobKey} failed: ${failed.failure?.message ?? 'no reason recorded'}`);
    lines.push(`last lines of its log (\`slipway logs ${run.id} --job ${failed.jobKey}\`):`);
    lines.push(...(await readLogTail(client, failed.id)).split('\n').map((line) => `  | ${line}`));
  }
  return new AppError(ErrorCode.failedPrecondition, lines.join('\n'));
}

async function readServedVersion(routerUrl: string, host: string): Promise<{ version: string | undefined; body: string }> {
  const url = new URL(routerUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/', headers: { host }, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ version: [res.headers['x-slipway-version']].flat()[0], body }));
    });
    req.on('timeout', () => req.destroy(new Error(`the router did not answer for Host ${host} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}
