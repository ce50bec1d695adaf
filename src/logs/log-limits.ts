/** Bytes of a job's output kept by default; the rest is acknowledged and dropped behind a marker. */
export const defaultMaxLogBytes = 50 * 1024 * 1024;

/**
 * The largest chunk one append accepts. Agents should send about 256 KiB: big enough that 20 MB/s is
 * ~80 appends a second, small enough that a retry resends little.
 */
export const maxLogChunkBytes = 1024 * 1024;

/** How much one store read returns to a subscriber catching up (scrollback, or after falling behind). */
export const defaultReadChunkBytes = 256 * 1024;
