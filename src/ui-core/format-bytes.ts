const units = ['KiB', 'MiB', 'GiB', 'TiB'];

/** `512 B`, `1.5 KiB`, `12 MiB`: binary units, one decimal below 10. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** When an artifact goes away: `kept with the run`, `expires in 3 days`, `expired`. */
export function describeExpiry(expiresAt: string | null, nowMs: number): string {
  if (expiresAt === null) return 'kept with the run';
  const left = Date.parse(expiresAt) - nowMs;
  if (Number.isNaN(left)) return '—';
  if (left <= 0) return 'expired';
  const minutes = Math.floor(left / 60_000);
  if (minutes < 1) return 'expires in under a minute';
  if (minutes < 60) return `expires in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `expires in ${hours} h`;
  return `expires in ${Math.floor(hours / 24)} days`;
}
