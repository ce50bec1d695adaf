import { readdirSync, readFileSync } from 'node:fs';
import { signalProcessGroup } from '../../../runner/kill-process-group.js';

/**
 * True while any member of process group `pgid` is running. A member that died but was not reaped
 * yet (a zombie, e.g. an orphan waiting for a busy init) still answers signal 0, so on Linux we
 * look at /proc and count only members that are not zombies.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!signalProcessGroup(pgid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command (which may itself contain spaces or parentheses).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}
