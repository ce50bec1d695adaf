import { statusTone } from '../core.js';

/** A status in its tone's colour, with the word itself (colour is never the only signal). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge tone-${statusTone(status)}`} data-status={status}>
      {label ?? status.replaceAll('_', ' ')}
    </span>
  );
}
