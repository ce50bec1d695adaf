import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { sleep } from '../clock/sleep.js';
import { materializeRelease } from '../deploy/releases/index.js';
import {
  createLocalTarget,
  parseServiceSpec,
  type Replica,
  type ReplicaCommand,
  type ReplicaReport,
  type ReplicaStreamHello,
  reapOrphanReplicas,
  type Target,
} from '../deploy/targets/index.js';
import { isAppError } from '../errors/app-error.js';
import type { ReplicaClient } from './create-replica-client.js';
import { readSseEvents } from './read-sse-events.js';

export interface RunDeployRoleOptions {
  client: ReplicaClient;
  /** This agent's id, registering first when it has none. */
  agentId(): Promise<string>;
  /** The server does not know `agentId` (it restarted, or wrote the agent off): register again. */
  forgetAgentId(agentId: string): void;
  /** Releases are unpacked under `<workDir>/deploy/releases`; replica process groups are recorded in `<workDir>/deploy/replicas`. */
  workDir: string;
  /** The environment replicas start from (the service's env and secrets go on top). */
  env: Record<string, string>;
  /** Aborting stops every replica (gracefully, with each service's stop timeout), reports it, and resolves. */
  signal: AbortSignal;
  notice(message: string): void;
  /** First wait before reconnecting a lost stream, doubling up to 5000 ms. */
  reconnectDelayMs: number;
  /** Where replicas listen and the server reaches them (local target's `host`). Default 127.0.0.1. */
  replicaHost?: string;
}

/** Until the server's hello says otherwise: a third of the server's default lease. */
const defaultReportEveryMs = 5_000;
/** A final report after the stop may find the server gone: this bounds the wait for it. */
const finalReportMs = 3_000;

/**
 * The deploy role of an agent: holds the replica command stream open, runs the replicas it is told to
 * with a local target (supervision, probes, restarts and graceful stops are the local target's), fetches
 * each release's files by digest into its own work dir, and reports results, events and its replicas in
 * order — at least every third of the server's lease, which is how the server knows it is alive.
 */
export async function runDeployRole(options: RunDeployRoleOptions): Promise<void> {
  const { client, signal, notice } = options;
  const root = join(options.workDir, 'deploy');
  const recordsDir = join(root, 'replicas');
  // A previous agent process killed with -9 left its replicas running; the server has written them off.
  const reaped = await reapOrphanReplicas(recordsDir);
  if (reaped.stopped.length > 0) notice(`stopped ${reaped.stopped.length} replica(s) left running by a previous agent process`);

  const queue: ReplicaReport[] = [];
  const target: Target = createLocalTarget({
    baseEnv: options.env,
    recordsDir,
    onEvent: (event) => push({ type: 'event', event }),
    ...(options.replicaHost === undefined ? {} : { host: options.replicaHost }),
  });
  let reportEveryMs = defaultReportEveryMs;
  let reporting: Promise<void> | undefined;
  let again = false;

  function push(...reports: ReplicaReport[]): void {
    queue.push(...reports);
    flush();
  }

  /** One batch in flight at a time, so the server applies reports in the order they happened. */
  function flush(): void {
    if (reporting) {
      again = true;
      return;
    }
    reporting = (async () => {
      do {
        again = false;
        await sendBatch();
      } while (again || (queue.length > 0 && !signal.aborted));
      reporting = undefined;
    })();
  }

  async function sendBatch(timeoutSignal?: AbortSignal): Promise<void> {
    const reports = queue.splice(0);
    const replicas = target.listReplicas();
    let agentId: string;
    try {
      agentId = await options.agentId();
      const answer = await client.postReports(agentId, { reports, replicas }, timeoutSignal);
      if (answer.status === 404) {
        await writeOff(agentId);
        return;
      }
      if (answer.status !== 200) throw new Error(`replica reports answered ${answer.status}${answer.message ? `: ${answer.message}` : ''}`);
    } catch (error) {
      queue.unshift(...reports);
      if (signal.aborted && timeoutSignal === undefined) return;
      notice(`could not report replicas (${error instanceof Error ? error.message : String(error)}); retrying`);
      await sleep(Math.min(reportEveryMs, 1_000), signal);
    }
  }

  // A batch at least every reportEveryMs, empty or not: the server's lease on this agent's replicas.
  let heartbeat: NodeJS.Timeout;
  const beat = () => {
    if (!reporting) flush();
    heartbeat = setTimeout(beat, reportEveryMs);
  };
  heartbeat = setTimeout(beat, reportEveryMs);

  /**
   * The server no longer knows this agent (it wrote it off after a lost lease, or it restarted): it
   * counts these replicas as gone and may start them elsewhere, so they are stopped before this agent
   * registers again — and a restarted server's recovery never finds their ids still taken here.
   */
  let writingOff: Promise<void> | undefined;
  const writeOff = (agentId: string): Promise<void> => {
    writingOff ??= (async () => {
      const replicas = target.listReplicas();
      if (replicas.length > 0) notice(`the server no longer knows this agent: stopping its ${replicas.length} replica(s) and registering again`);
      await Promise.all(replicas.map((replica) => target.stopReplica(replica.id).catch(() => {})));
      // Their events were for the old registration.
      queue.length = 0;
      options.forgetAgentId(agentId);
    })().finally(() => {
      writingOff = undefined;
    });
    return writingOff;
  };

  const fetchRelease = async (release: Extract<ReplicaCommand, { type: 'start' }>['release']): Promise<string> =>
    materializeRelease(
      {
        get: async (digest) => {
          const response = await client.downloadBlob(digest, signal);
          if (response.status === 404) return undefined;
          if (response.status !== 200 || !response.body) throw new Error(`GET /api/v1/blobs/${digest} answered ${response.status}`);
          return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
        },
      },
      root,
      { service: release.service.name, version: release.version, digest: release.digest },
    );

  const handle = async (command: ReplicaCommand): Promise<void> => {
    if (command.type === 'stop') {
      try {
        const outcome = await target.stopReplica(command.replicaId, command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs });
        push({ type: 'result', commandId: command.commandId, outcome });
      } catch (error) {
        push({ type: 'result', commandId: command.commandId, error: describeError(error) });
      }
      return;
    }
    const id = `${command.release.service.name}-${command.release.version}-${command.index}`;
    let workdir: string;
    try {
      workdir = await fetchRelease(command.release);
    } catch (error) {
      // Reported as a replica that failed before it was ever ready, like a local release dir that is missing.
      const message = `replica ${id} could not be started: the files of release ${command.release.version} of ${command.release.service.name} (blob ${command.release.digest}) could not be fetched from the server: ${describeError(error).message}`;
      const replica: Replica = {
        id,
        service: command.release.service.name,
        version: command.release.version,
        index: command.index,
        host: '127.0.0.1',
        port: 0,
        url: '',
        state: 'failed',
        restarts: 0,
        startedAtMs: Date.now(),
        failure: { exitCode: null, exitSignal: null, stderrTail: [], message },
      };
      // In one batch: the server has the failure (and its event) by the time startReplica resolves.
      push({ type: 'result', commandId: command.commandId, replica }, { type: 'event', event: { type: 'failed', replica, timeMs: Date.now(), detail: message } });
      return;
    }
    try {
      const replica = await target.startReplica({ version: command.release.version, service: parseServiceSpec(command.release.service), workdir, digest: command.release.digest }, command.index);
      push({ type: 'result', commandId: command.commandId, replica });
    } catch (error) {
      push({ type: 'result', commandId: command.commandId, error: describeError(error) });
    }
  };

  const handling = new Set<Promise<void>>();
  let delayMs = options.reconnectDelayMs;
  while (!signal.aborted) {
    try {
      const agentId = await options.agentId();
      const response = await client.openCommands(agentId, signal);
      if (response.status === 404) {
        await response.body?.cancel();
        await writeOff(agentId);
        continue;
      }
      if (response.status !== 200 || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(`the replica command stream answered ${response.status}${body.error?.message ? `: ${body.error.message}` : ''}`);
      }
      notice('deploy role: connected, waiting for replica commands');
      delayMs = options.reconnectDelayMs;
      for await (const event of readSseEvents(response.body)) {
        if (event.event === 'hello') {
          const hello = JSON.parse(event.data) as ReplicaStreamHello;
          reportEveryMs = Math.max(50, Math.floor(hello.leaseMs / 3));
          clearTimeout(heartbeat);
          heartbeat = setTimeout(beat, reportEveryMs);
          // Reported at once: the server learns at connect which replicas this agent still runs.
          flush();
        } else if (event.event === 'command') {
          const job = handle(JSON.parse(event.data) as ReplicaCommand).finally(() => handling.delete(job));
          handling.add(job);
        }
      }
      if (!signal.aborted) notice('the replica command stream ended; reconnecting');
    } catch (error) {
      if (signal.aborted) break;
      // A refused token: runAgent rejects at once, as it does for the build role.
      if (isAppError(error) && error.code === 'unauthenticated') {
        await target.close();
        clearTimeout(heartbeat);
        throw error;
      }
      notice(`deploy role lost the server (${error instanceof Error ? error.message : String(error)}); retrying in ${delayMs} ms`);
    }
    if (signal.aborted) break;
    await sleep(delayMs, signal);
    delayMs = Math.min(delayMs * 2, 5000);
  }
  await Promise.allSettled([...handling]);
  await target.close();
  clearTimeout(heartbeat);
  await reporting;
  // The stopped events, so the server need not wait for the lease to know these replicas are gone.
  if (queue.length > 0) await sendBatch(AbortSignal.timeout(finalReportMs));
}

function describeError(error: unknown): { code: string; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
