/** ` (500×3, 503×1)`: counts by key, sorted by key, for a failure's breakdown; empty when there are none. */
export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}×${n}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
