/**
 * Runs whose every job leaves evidence outside Slipway: its step appends `<tag> <epoch ms> <agent> <pid>`
 * to a marker file before doing anything else, so step executions can be counted independently of what
 * the server recorded, and prints `begin <tag>` / `end <tag>` around a sleep, so lost or repeated log
 * bytes show in the stored log.
 */
import { readFile } from 'node:fs/promises';
import type { RunDetail } from '../../store/index.js';

export interface MarkedRunSpec {
  /** Tag prefix of the run, e.g. `r3`; jobs are tagged `r3/j07`. */
  runTag: string;
  jobs: number;
  /** Milliseconds job `index` sleeps for. */
  sleepMs(index: number): number;
  /** Extra attempts per job (stage `retry`), whatever the failure; lost leases are retried even with 0. */
  retry: number;
  markerFile: string;
}

export const jobKey = (index: number): string => `j${String(index).padStart(2, '0')}`;

/** The pipeline text: `jobs` independent stages, each one step named `work`. */
export function buildMarkedPipeline(spec: MarkedRunSpec): string {
  const lines = [`name: ${spec.runTag}`, 'stages:'];
  for (let index = 0; index < spec.jobs; index++) {
    const tag = `${spec.runTag}/${jobKey(index)}`;
    const seconds = (spec.sleepMs(index) / 1000).toFixed(3);
    lines.push(
      `  - name: ${jobKey(index)}`,
      `    retry: ${spec.retry}`,
      '    steps:',
      '      - name: work',
      '        run: |',
      `          echo "${tag} $(date +%s%3N) $SLIPWAY_TEST_AGENT $$" >> '${spec.markerFile}'`,
      `          echo "begin ${tag}"`,
      `          sleep ${seconds}`,
      `          echo "end ${tag}"`,
    );
  }
  return lines.join('\n');
}

/** The log a single, complete attempt of the job leaves: nothing lost, nothing twice. */
export const expectedSingleAttemptLog = (tag: string): string => `▶ work\nbegin ${tag}\nend ${tag}\n`;

export interface Execution {
  startedAtMs: number;
  agent: string;
  pid: number;
}

/** The marker file's lines by job tag. */
export async function readExecutions(markerFile: string): Promise<Map<string, Execution[]>> {
  const text = await readFile(markerFile, 'utf8').catch(() => '');
  const byTag = new Map<string, Execution[]>();
  for (const line of text.split('\n')) {
    const [tag, ms, agent, pid] = line.trim().split(' ');
    if (!tag || !ms || !agent || !pid) continue;
    const list = byTag.get(tag) ?? [];
    list.push({ startedAtMs: Number(ms), agent, pid: Number(pid) });
    byTag.set(tag, list);
  }
  return byTag;
}

export interface SubmittedRun {
  runTag: string;
  runId: number;
  jobs: { id: number; key: string }[];
}

/** POST /api/v1/runs with a marked pipeline. */
export async function submitMarkedRun(serverUrl: string, spec: MarkedRunSpec): Promise<SubmittedRun> {
  const posted = await fetch(`${serverUrl}/api/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ project: `reliability/${spec.runTag}`, ref: 'refs/heads/main', pipeline: buildMarkedPipeline(spec) }),
  });
  if (posted.status !== 201) throw new Error(`POST /api/v1/runs answered ${posted.status}: ${await posted.text()}`);
  const body = (await posted.json()) as { runId: number; jobs: { id: number; key: string }[] };
  return { runTag: spec.runTag, runId: body.runId, jobs: body.jobs };
}

/** The run's detail, or undefined while the server does not answer (it may be restarting). */
export async function fetchRun(serverUrl: string, runId: number): Promise<RunDetail | undefined> {
  // Bounded: a server that accepts and never answers must fail the caller's wait, not hang it.
  const answer = await fetch(`${serverUrl}/api/v1/runs/${runId}`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  if (answer?.status !== 200) return undefined;
  return (await answer.json()) as RunDetail;
}

export const isFinishedRun = (run: RunDetail | undefined): boolean =>
  run !== undefined && ['succeeded', 'failed', 'canceled'].includes(run.status);

export interface FetchedLog {
  text: string;
  /** The `end` event's length: what the server says it holds. */
  length: number | undefined;
  /** Chunks that did not start where the previous one ended. */
  gaps: number;
}

/** A finished job's whole log over GET /api/v1/jobs/:id/logs (SSE), checking that its chunks are contiguous. */
export async function fetchJobLog(serverUrl: string, jobId: number): Promise<FetchedLog> {
  // A finished job's stream ends by itself; one that does not within the bound is a failure, not a hang.
  const body = await (await fetch(`${serverUrl}/api/v1/jobs/${jobId}/logs`, { signal: AbortSignal.timeout(15_000) })).text().catch((error: unknown) => {
    throw new Error(`the log of job ${jobId} did not end within 15 s: ${String(error)}`);
  });
  let text = '';
  let nextOffset = 0;
  let gaps = 0;
  let length: number | undefined;
  for (const event of body.split('\n\n')) {
    const name = /^event: (.*)$/m.exec(event)?.[1];
    const data = /^data: (.*)$/m.exec(event)?.[1];
    if (data === undefined) continue;
    if (name === 'chunk') {
      const chunk = JSON.parse(data) as { offset: number; text: string };
      if (chunk.offset !== nextOffset) gaps++;
      text += chunk.text;
      nextOffset = chunk.offset + Buffer.byteLength(chunk.text, 'utf8');
    } else if (name === 'end') {
      length = (JSON.parse(data) as { length: number }).length;
    } else if (name === 'error') {
      throw new Error(`the log of job ${jobId} failed to stream: ${data}`);
    }
  }
  return { text, length, gaps };
}

export const countOccurrences = (text: string, needle: string): number => text.split(needle).length - 1;
