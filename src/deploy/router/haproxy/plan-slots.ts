import { AppError, ErrorCode } from '../../../errors/app-error.js';
import { resolveVersionWeights } from '../resolve-weights.js';
import type { RouterBackend, RouterWeights } from '../router.js';
import type { HaproxyFiles } from './slot-names.js';

/** What one server slot holds: a replica and its HAProxy weight (0 = in maintenance). */
export interface SlotPlan {
  backend?: RouterBackend;
  weight: number;
}

/** HAProxy server weights go up to 256; 2 units per percent keeps 1% of one replica representable. */
const unitsPerPercent = 2;

/**
 * Replicas to slots: a replica keeps its slot (so its sticky cookie stays valid), new ones take free
 * slots, removed ones free theirs.
 */
export function assignSlots(current: readonly (RouterBackend | undefined)[], backends: readonly RouterBackend[], service: string): (RouterBackend | undefined)[] {
  const next: (RouterBackend | undefined)[] = current.map((b) => (b ? backends.find((n) => n.id === b.id) : undefined));
  for (const b of backends) {
    if (next.some((s) => s?.id === b.id)) continue;
    const free = next.indexOf(undefined);
    if (free < 0) {
      throw new AppError(ErrorCode.failedPrecondition, `router: service "${service}" has ${backends.length} backends; HAProxy was started with ${current.length} server slots per service. Start it with a larger maxBackendsPerService.`, { details: { service } });
    }
    next[free] = b;
  }
  return next;
}

/** Each version's weight split evenly over its replicas, in HAProxy units; a version with weight > 0 gets at least 1 per replica. */
export function planSlotWeights(slots: readonly (RouterBackend | undefined)[], weights: RouterWeights): SlotPlan[] {
  const present = slots.filter((b): b is RouterBackend => b !== undefined);
  const versionWeights = resolveVersionWeights(present, weights);
  const replicas = new Map<string, number>();
  for (const b of present) replicas.set(b.version, (replicas.get(b.version) ?? 0) + 1);
  return slots.map((backend) => {
    if (!backend) return { weight: 0 };
    const percent = versionWeights.get(backend.version) ?? 0;
    const weight = percent > 0 ? Math.min(256, Math.max(1, Math.round((percent * unitsPerPercent) / replicas.get(backend.version)!))) : 0;
    return { backend, weight };
  });
}

/**
 * Runtime API commands taking one backend's slots from `previous` to `next`. Slots that will serve are
 * brought up before any is put into maintenance, so a switch never passes through "nothing ready"
 * (no request fails while weights move). A slot changing replica goes to maintenance before its address
 * and maps change, so no request reaches the new address labelled with the old version.
 */
export function planSlotCommands(backendName: string, serverNames: readonly string[], files: HaproxyFiles, previous: readonly SlotPlan[], next: readonly SlotPlan[]): string[] {
  const up: string[] = [];
  const down: string[] = [];
  next.forEach((slot, j) => {
    const before = previous[j] ?? { weight: 0 };
    const server = `${backendName}/${serverNames[j]}`;
    const name = serverNames[j]!;
    const moved = slot.backend !== undefined && !sameTarget(before.backend, slot.backend);
    if (moved) {
      if (before.weight > 0) up.push(`set server ${server} state maint`);
      up.push(
        `set server ${server} addr ${slot.backend!.host} port ${slot.backend!.port}`,
        `set map ${files.versionsMapPath} ${name} ${slot.backend!.version}`,
        `set map ${files.tracksMapPath} ${name} ${slot.backend!.track}`,
      );
    }
    if (slot.weight > 0) {
      if (moved || slot.weight !== before.weight) up.push(`set server ${server} weight ${slot.weight}`);
      if (moved || before.weight === 0) up.push(`set server ${server} state ready`);
    } else if (before.weight > 0 && !moved) {
      down.push(`set server ${server} state maint`, `set server ${server} weight 0`);
    } else if (moved) {
      up.push(`set server ${server} weight 0`);
    }
  });
  return [...up, ...down];
}

function sameTarget(a: RouterBackend | undefined, b: RouterBackend): boolean {
  return a !== undefined && a.id === b.id && a.host === b.host && a.port === b.port && a.version === b.version && a.track === b.track;
}
