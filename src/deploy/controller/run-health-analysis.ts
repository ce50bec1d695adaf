import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { TelemetryWindow } from './telemetry-window.js';

/**
 * A canary step's `analysis: {...}` until the canary engine is wired: the canary version's error rate
 * over the last windowSeconds must stay at or below maxErrorRate. With fewer than minRequests requests
 * the verdict is a failure (no evidence is not a pass) unless minRequests is 0, the default.
 */
const analysisSchema = z
  .object({
    /** Share of requests (0..1) that may fail: a 5xx or a router error. */
    maxErrorRate: z.number().min(0).max(1).default(0.01),
    windowSeconds: z.number().int().min(1).max(3600).default(10),
    /** Wait this long before judging, so the window holds traffic of the current weights. */
    delaySeconds: z.number().min(0).max(3600).default(0),
    minRequests: z.number().int().min(0).default(0),
  })
  .passthrough();

export interface AnalysisResult {
  passed: boolean;
  reason: string;
}

export interface AnalysisInput {
  spec: Record<string, unknown>;
  service: string;
  version: string;
  telemetry: TelemetryWindow;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export async function runHealthAnalysis(input: AnalysisInput): Promise<AnalysisResult> {
  const parsed = analysisSchema.safeParse(input.spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(analysis)'}: ${i.message}`).join('; ');
    throw new AppError(ErrorCode.invalidArgument, `invalid analysis step: ${problems}`);
  }
  const spec = parsed.data;
  if (spec.delaySeconds > 0) await input.sleep(spec.delaySeconds * 1000);
  const { requests, errors } = input.telemetry.count(input.service, input.version, input.now() - spec.windowSeconds * 1000);
  const rate = requests === 0 ? 0 : errors / requests;
  const seen = `${errors}/${requests} requests to ${input.version} failed in the last ${spec.windowSeconds} s`;
  if (requests < spec.minRequests) return { passed: false, reason: `${seen}: fewer than minRequests (${spec.minRequests}) to judge` };
  if (rate > spec.maxErrorRate) return { passed: false, reason: `${seen}: error rate ${(rate * 100).toFixed(2)}% > ${(spec.maxErrorRate * 100).toFixed(2)}%` };
  return { passed: true, reason: `${seen}: error rate ${(rate * 100).toFixed(2)}% ≤ ${(spec.maxErrorRate * 100).toFixed(2)}%` };
}
