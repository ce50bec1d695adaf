/** The line stored once where a job's log reached its cap, so readers see that output was dropped. */
export function truncationMarker(cappedAtBytes: number): Buffer {
  return Buffer.from(
    `\n[slipway: log truncated at ${cappedAtBytes} bytes — the rest of this job's output was dropped]\n`,
    'utf8',
  );
}
