/** One delivered, unacked message of a group, in delivery order (Map insertion order). */
export interface PendingEntry {
  deliveredAtMs: number;
  deliveryCount: number;
}

export interface MemoryGroup {
  /** The sequence number the group reads next. */
  nextSeq: number;
  /** Re-inserted on every delivery, so the first entry is always the one delivered longest ago. */
  pending: Map<number, PendingEntry>;
}

/**
 * A topic's retained messages, numbered from 1, and its groups. Wakers are the idle subscribers'
 * resume functions: publishing calls every one of them.
 */
export class TopicLog {
  readonly payloads = new Map<number, Uint8Array>();
  firstSeq = 1;
  nextSeq = 1;
  readonly groups = new Map<string, MemoryGroup>();
  readonly wakers = new Set<() => void>();

  constructor(private readonly maxLen: number | undefined) {}

  append(payload: Uint8Array): number {
    const seq = this.nextSeq++;
    this.payloads.set(seq, payload);
    if (this.maxLen !== undefined) {
      while (this.payloads.size > this.maxLen) this.payloads.delete(this.firstSeq++);
    }
    return seq;
  }

  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  joinGroup(name: string, fromStart: boolean): MemoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { nextSeq: fromStart ? this.firstSeq : this.nextSeq, pending: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }
}
