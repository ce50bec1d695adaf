import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalProcessGroup } from '../../../runner/kill-process-group.js';
import { isGroupAlive } from './is-group-alive.js';

/**
 * A file per running replica (`<dir>/<replica id>.json`), so a server killed with -9 leaves behind
 * enough to find the process groups it supervised: replicas are spawned detached and outlive it.
 */
export interface ReplicaRecord {
  replicaId: string;
  /** The replica's process group id (= its leader's pid). */
  pgid: number;
  /** The leader's start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  leaderStartTicks: string | null;
  /** The server process that supervised it, with its start time: a live owner's replicas are never reaped. */
  ownerPid: number;
  ownerStartTicks: string | null;
}

export interface ReplicaRecords {
  /** Written (synchronously, right after the spawn) for every process of a replica, restarts included. */
  write(replicaId: string, pgid: number): void;
  /** Removed once the replica's processes are gone. */
  remove(replicaId: string): void;
}

/** The start time of `pid` in clock ticks since boot, or null when it is gone (or not Linux). */
export function readProcessStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command (which may hold spaces): state is field 3, starttime 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function createReplicaRecords(dir: string): ReplicaRecords {
  const ownerStartTicks = readProcessStartTicks(process.pid);
  return {
    write(replicaId, pgid) {
      mkdirSync(dir, { recursive: true });
      const record: ReplicaRecord = { replicaId, pgid, leaderStartTicks: readProcessStartTicks(pgid), ownerPid: process.pid, ownerStartTicks };
      writeFileSync(join(dir, `${replicaId}.json`), `${JSON.stringify(record)}\n`);
    },
    remove(replicaId) {
      rmSync(join(dir, `${replicaId}.json`), { force: true });
    },
  };
}

export interface ReapOptions {
  /** Between SIGTERM and SIGKILL of an orphaned group; default 5 000 ms. */
  graceMs?: number;
}

/** What reapOrphanReplicas found: groups it stopped, and records it left (their owner still runs). */
export interface ReapResult {
  stopped: ReplicaRecord[];
  kept: ReplicaRecord[];
}

/**
 * Stops the replicas recorded under `dir` whose server is gone: SIGTERM to the group, SIGKILL after
 * graceMs. A group counts as the recorded one when its leader still has the recorded start time, or
 * when the leader is gone but the group lives on (Linux never hands out a pid that is still some
 * group's id, so the group cannot be someone else's). A leader pid now running another program is
 * left alone. Records of dead owners are removed either way.
 */
export async function reapOrphanReplicas(dir: string, options: ReapOptions = {}): Promise<ReapResult> {
  const graceMs = options.graceMs ?? 5_000;
  const result: ReapResult = { stopped: [], kept: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return result;
  }
  const orphans: ReplicaRecord[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let record: ReplicaRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as ReplicaRecord;
    } catch {
      // Torn by a kill in the middle of the write: nothing to go by.
      rmSync(path, { force: true });
      continue;
    }
    if (isOwnerAlive(record)) {
      result.kept.push(record);
      continue;
    }
    if (isRecordedGroup(record)) orphans.push(record);
    rmSync(path, { force: true });
  }
  await Promise.all(orphans.map((record) => stopGroup(record.pgid, graceMs)));
  result.stopped = orphans;
  return result;
}

function isOwnerAlive(record: ReplicaRecord): boolean {
  const ticks = readProcessStartTicks(record.ownerPid);
  return ticks !== null && ticks === record.ownerStartTicks;
}

function isRecordedGroup(record: ReplicaRecord): boolean {
  const ticks = readProcessStartTicks(record.pgid);
  if (ticks !== null) return ticks === record.leaderStartTicks;
  return isGroupAlive(record.pgid);
}

async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalProcessGroup(pgid, 'SIGTERM')) return;
  if (await pollUntilGone(pgid, graceMs)) return;
  signalProcessGroup(pgid, 'SIGKILL');
  await pollUntilGone(pgid, 5_000);
}

async function pollUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isGroupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}
