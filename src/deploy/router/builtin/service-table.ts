import { keepStickyVersion } from '../choose-sticky.js';
import { resolveVersionWeights, toPercentShares } from '../resolve-weights.js';
import { type RouterBackend, type RouterWeights, type ServiceState, defaultWeights } from '../router.js';
import { type SmoothWeighted, createSmoothWeighted, pickByPoint } from '../smooth-weighted.js';

/**
 * One service's routing state in the built-in router. Rebuilt whole on every change, so a request
 * always sees one consistent (backends, weights) pair: JavaScript runs one request's choice at a time.
 */
export interface ServiceTable {
  readonly backends: readonly RouterBackend[];
  readonly weights: RouterWeights;
  /** Versions with weight > 0 and at least one backend. */
  readonly versionWeights: ReadonlyMap<string, number>;
  /** A version for a request without (usable) stickiness. */
  pickVersion(): string | undefined;
  /** A version for a sticky key seen for the first time: stable for the key while weights are unchanged. */
  pickVersionForKey(point: number): string | undefined;
  /** previous, if it may still be served. */
  keep(previous: string | undefined): string | undefined;
  /** The next replica of a version, round robin. */
  pickBackend(version: string): RouterBackend | undefined;
  state(): ServiceState;
}

export function createServiceTable(backends: readonly RouterBackend[], weights: RouterWeights = defaultWeights): ServiceTable {
  const versionWeights = new Map([...resolveVersionWeights(backends, weights)].filter(([, w]) => w > 0));
  const replicas = new Map<string, RouterBackend[]>();
  for (const b of backends) replicas.set(b.version, [...(replicas.get(b.version) ?? []), b]);
  const turns = new Map<string, number>();
  const smooth: SmoothWeighted = createSmoothWeighted(versionWeights);
  return {
    backends,
    weights,
    versionWeights,
    pickVersion: () => smooth.next(),
    pickVersionForKey: (point) => pickByPoint(versionWeights, point),
    keep: (previous) => keepStickyVersion(previous, versionWeights),
    pickBackend: (version) => {
      const list = replicas.get(version);
      if (!list || list.length === 0) return undefined;
      const turn = turns.get(version) ?? 0;
      turns.set(version, turn + 1);
      return list[turn % list.length];
    },
    state: () => ({
      weights: { ...weights },
      versions: toPercentShares(resolveVersionWeights(backends, weights)),
      backends: backends.map((b) => ({ ...b, ready: versionWeights.has(b.version) })),
    }),
  };
}
