/**
 * Header value -> version, for header stickiness. Bounded: the oldest key is forgotten first, and a
 * forgotten key is re-placed by its hash, which lands on the same version while weights are unchanged.
 */
export interface StickyKeys {
  get(key: string): string | undefined;
  set(key: string, version: string): void;
}

export function createStickyKeys(maxEntries = 100_000): StickyKeys {
  const entries = new Map<string, string>();
  return {
    get: (key) => entries.get(key),
    set: (key, version) => {
      // Re-inserting moves the key to the end: eviction order is least recently placed.
      entries.delete(key);
      entries.set(key, version);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
