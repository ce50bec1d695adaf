/**
 * Stream entries as Redis returns them to a buffer-mode call: `[id, [field, value, ...]]`. Entries that
 * were trimmed away while pending come back as nil (Redis 6.2) or not at all (7+, listed apart).
 */
export interface StreamEntry {
  id: string;
  payload: Uint8Array;
}

export const payloadField = 'p';

export function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || !Array.isArray(item[1])) continue;
    const [id, fields] = item as [Buffer, Buffer[]];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i]!.toString() === payloadField) {
        entries.push({ id: id.toString(), payload: fields[i + 1]! });
        break;
      }
    }
  }
  return entries;
}

/** XREADGROUP's reply for one stream: nil on timeout, else `[[key, entries]]`. */
export function parseReadReply(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  return parseEntries((raw[0] as [Buffer, unknown])[1]);
}

/** XAUTOCLAIM's reply: `[nextCursor, entries, deletedIds?]`. */
export function parseClaimReply(raw: unknown): { cursor: string; entries: StreamEntry[] } {
  const [cursor, entries] = raw as [Buffer, unknown];
  return { cursor: cursor.toString(), entries: parseEntries(entries) };
}
