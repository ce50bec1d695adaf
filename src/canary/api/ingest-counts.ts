import { create } from '@bufbuild/protobuf';
import { type IngestSummary, IngestSummarySchema } from '../gen/slipway/canary/v1/canary_pb.js';
import { IngestRejectReason } from './ingest-reject-reason.js';

/** Tally of ingested batches; merged across the batches of a stream. */
export interface IngestCounts {
  batches: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Partial<Record<IngestRejectReason, number>>;
}

export function createIngestCounts(): IngestCounts {
  return { batches: 0, accepted: 0, rejected: 0, rejectedByReason: {} };
}

export function countRejected(counts: IngestCounts, reason: IngestRejectReason, n = 1): void {
  counts.rejected += n;
  counts.rejectedByReason[reason] = (counts.rejectedByReason[reason] ?? 0) + n;
}

export function addIngestCounts(total: IngestCounts, more: IngestCounts): void {
  total.batches += more.batches;
  total.accepted += more.accepted;
  for (const [reason, n] of Object.entries(more.rejectedByReason) as [IngestRejectReason, number][]) countRejected(total, reason, n);
}

const reasonOrder = Object.values(IngestRejectReason);

export function toIngestSummary(counts: IngestCounts): IngestSummary {
  return create(IngestSummarySchema, {
    batches: counts.batches,
    accepted: BigInt(counts.accepted),
    rejected: BigInt(counts.rejected),
    rejectedByReason: reasonOrder
      .filter((reason) => counts.rejectedByReason[reason])
      .map((reason) => ({ reason, count: BigInt(counts.rejectedByReason[reason]!) })),
  });
}
