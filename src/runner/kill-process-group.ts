/**
 * Signals every process in the group led by `pgid`. Returns false when the group is already gone.
 * Steps are spawned as group leaders, so this reaches grandchildren that a plain `child.kill()`
 * would orphan.
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export interface GroupKiller {
  /** SIGTERM now, SIGKILL after the grace period unless the group is gone by then. */
  terminate(): void;
  /** Cancels a pending SIGKILL (the caller saw the group finish). */
  dispose(): void;
}

export function createGroupKiller(pgid: number, killGraceMs: number): GroupKiller {
  let escalation: NodeJS.Timeout | undefined;
  return {
    terminate() {
      if (escalation) return;
      if (!signalProcessGroup(pgid, 'SIGTERM')) return;
      escalation = setTimeout(() => signalProcessGroup(pgid, 'SIGKILL'), killGraceMs);
      escalation.unref();
    },
    dispose() {
      if (escalation) clearTimeout(escalation);
    },
  };
}
