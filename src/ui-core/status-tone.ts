/** The colour family of a status, shared by every page so one status always looks the same. */
export type Tone = 'success' | 'failure' | 'active' | 'waiting' | 'neutral';

const tones: Record<string, Tone> = {
  succeeded: 'success',
  approved: 'success',
  PROMOTE: 'success',
  PASS: 'success',
  completed: 'success',
  failed: 'failure',
  rejected: 'failure',
  aborted: 'failure',
  ROLLBACK: 'failure',
  FAIL: 'failure',
  ERROR: 'failure',
  rolled_back: 'failure',
  running: 'active',
  paused: 'waiting',
  PAUSE: 'waiting',
  pending: 'waiting',
  queued: 'waiting',
  waiting_approval: 'waiting',
  waiting_lock: 'waiting',
  INCONCLUSIVE: 'waiting',
  NO_DATA: 'neutral',
  skipped: 'neutral',
  canceled: 'neutral',
  superseded: 'neutral',
  expired: 'neutral',
};

/** Unknown statuses are neutral rather than an error: the server may learn new ones first. */
export function statusTone(status: string): Tone {
  return tones[status] ?? 'neutral';
}
