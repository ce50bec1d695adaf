import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signalProcessGroup } from '../../../runner/kill-process-group.js';
import { fileURLToPath } from 'node:url';
import { parseServiceSpec } from '../service-spec.js';
import { isGroupAlive } from './is-group-alive.js';
import { createReplicaRecords, readProcessStartTicks, type ReplicaRecord, reapOrphanReplicas } from './replica-records.js';
import { createLocalTarget } from './target.js';

const fixture = fileURLToPath(new URL('./test-support/fixture-service.mjs', import.meta.url));

describe('replica records', () => {
  let dir: string;
  const groups: number[] = [];

  /** A detached process group like a replica's: `bash -c script` leading it. */
  const spawnGroup = (script: string): ChildProcess => {
    const child = spawn('bash', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    groups.push(child.pid!);
    return child;
  };
  /** Resolves once the script printed its first line: its traps are set and its members started. */
  const started = (child: ChildProcess) => new Promise((resolve) => child.stdout!.once('data', resolve));
  /** A record as a server that is gone now wrote it: its pid is ours, but its start time is not. */
  const writeOrphanRecord = (replicaId: string, pgid: number, leaderStartTicks: string | null) => {
    const record: ReplicaRecord = { replicaId, pgid, leaderStartTicks, ownerPid: process.pid, ownerStartTicks: 'another-process' };
    writeFileSync(join(dir, `${replicaId}.json`), JSON.stringify(record));
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-replica-records-'));
    await mkdir(dir, { recursive: true });
  });
  afterEach(async () => {
    for (const pgid of groups.splice(0)) signalProcessGroup(pgid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('stops the whole group of a dead owner, even one that ignores SIGTERM, and forgets it', async () => {
    const child = spawnGroup('trap "" TERM; sleep 60 & echo started; wait');
    await started(child);
    const pgid = child.pid!;
    const startedAtMs = Date.now();
    writeOrphanRecord('api-v1-0', pgid, readProcessStartTicks(pgid));
    expect(isGroupAlive(pgid)).toBe(true);

    const result = await reapOrphanReplicas(dir, { graceMs: 200 });

    expect(result.stopped.map((r) => r.replicaId)).toEqual(['api-v1-0']);
    // SIGTERM was ignored: only the SIGKILL after the grace ended it.
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(200);
    expect(isGroupAlive(pgid)).toBe(false);
    expect(existsSync(join(dir, 'api-v1-0.json'))).toBe(false);
  });

  it('stops the members a dead leader left behind in its group', async () => {
    const child = spawnGroup('sleep 60 & exit 0');
    const pgid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isGroupAlive(pgid)).toBe(true);
    writeOrphanRecord('api-v1-1', pgid, '12345');

    const result = await reapOrphanReplicas(dir, { graceMs: 2_000 });

    expect(result.stopped).toHaveLength(1);
    expect(isGroupAlive(pgid)).toBe(false);
  });

  it('leaves a reused pid alone: the leader started at another time than recorded', async () => {
    const child = spawnGroup('sleep 60');
    const pgid = child.pid!;
    writeOrphanRecord('api-v1-2', pgid, 'not-its-start-time');

    const result = await reapOrphanReplicas(dir, { graceMs: 200 });

    expect(result.stopped).toEqual([]);
    expect(isGroupAlive(pgid)).toBe(true);
    expect(existsSync(join(dir, 'api-v1-2.json'))).toBe(false);
  });

  it('keeps the replicas of an owner that still runs', async () => {
    const child = spawnGroup('sleep 60');
    const pgid = child.pid!;
    const records = createReplicaRecords(dir);
    records.write('api-v1-3', pgid);

    const result = await reapOrphanReplicas(dir, { graceMs: 200 });

    expect(result.kept.map((r) => r.replicaId)).toEqual(['api-v1-3']);
    expect(isGroupAlive(pgid)).toBe(true);
    records.remove('api-v1-3');
    expect(existsSync(join(dir, 'api-v1-3.json'))).toBe(false);
  });

  it('the local target records each replica while it runs and forgets it once stopped', async () => {
    const target = createLocalTarget({ baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, recordsDir: dir });
    try {
      const service = parseServiceSpec({ name: 'web', start: `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(fixture)}`, readiness: { path: '/ready', intervalMs: 50 } });
      const replica = await target.startReplica({ version: 'v1', service, workdir: dir }, 0);
      groups.push(replica.pid!);
      const record = JSON.parse(readFileSync(join(dir, 'web-v1-0.json'), 'utf8')) as ReplicaRecord;
      expect(record).toEqual({
        replicaId: 'web-v1-0',
        pgid: replica.pid,
        leaderStartTicks: readProcessStartTicks(replica.pid!),
        ownerPid: process.pid,
        ownerStartTicks: readProcessStartTicks(process.pid),
      });
      expect(record.leaderStartTicks).toMatch(/^\d+$/);

      await target.stopReplica(replica.id);
      expect(existsSync(join(dir, 'web-v1-0.json'))).toBe(false);
    } finally {
      await target.close();
    }
  });
});
