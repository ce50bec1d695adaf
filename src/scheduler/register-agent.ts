import type { Clock } from '../clock/clock.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';

export interface Agent {
  id: string;
  name: string;
  labels: string[];
  /** Jobs it runs at once. */
  capacity: number;
  lastSeenAt: Date;
  registeredAt: Date;
}

export interface RegisterAgentInput {
  id: string;
  /** Default: the id. */
  name?: string;
  labels: readonly string[];
  /** Default 1. */
  capacity?: number;
}

/**
 * Records an agent, or updates its name, labels and capacity when it registers again (a restart keeps
 * its id); either way it was seen now. registeredAt is the first registration.
 */
export async function registerAgent(db: Db, clock: Clock, input: RegisterAgentInput): Promise<Agent> {
  const capacity = input.capacity ?? 1;
  if (input.id.trim() === '') throw new AppError(ErrorCode.invalidArgument, 'an agent needs a non-empty id');
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new AppError(ErrorCode.invalidArgument, `agent capacity must be a positive integer, got ${capacity}`);
  }
  const { rows } = await db.query<Agent>(
    `INSERT INTO agents (id, name, labels, capacity, last_seen_at, registered_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, labels = excluded.labels, capacity = excluded.capacity,
       last_seen_at = excluded.last_seen_at
     RETURNING id, name, labels, capacity, last_seen_at AS "lastSeenAt", registered_at AS "registeredAt"`,
    [input.id, input.name ?? input.id, input.labels, capacity, new Date(clock.now())],
  );
  return rows[0]!;
}
