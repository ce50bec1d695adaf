import type { Db } from '../store/index.js';
import { createPollLoop } from '../outbound/poll-loop.js';
import { computeBackoffMs } from './backoff-schedule.js';
import { type BreakerState, type CircuitBreaker, createCircuitBreaker } from '../outbound/circuit-breaker.js';
import { type ClaimedDelivery, claimDueDeliveries, markAttemptFailed, markDelivered, postponeDelivery } from './delivery-store.js';
import { formatSlackPayload } from './format-slack-payload.js';
import { type NotifierOptions, type ResolvedNotifierOptions, resolveNotifierOptions } from './notifier-options.js';
import { postWebhook } from './post-webhook.js';
import { recordNewEvents } from './record-events.js';
import { parseWebhookInput } from './webhook-input.js';
import { putWebhook } from './webhook-store.js';

/** The webhook SLIPWAY_NOTIFY_WEBHOOK_URL becomes. */
export const envWebhookName = 'env-default';

export interface Notifier {
  /** Syncs the env webhook, fixes the detector's cursors (the first poll), then polls until stop(). Never throws: failures are logged. */
  start(): Promise<void>;
  /** Stops polling and waits for the POSTs in flight (each ends within requestTimeoutMs); claims not yet posted are released. Idempotent. */
  stop(): Promise<void>;
  /** This process's breaker of a webhook (by id); undefined until it was posted to. */
  readBreaker(webhookId: number): BreakerState | undefined;
}

/**
 * The notifier: a loop that records events decided from the store (record-events.ts) and posts their
 * deliveries. Each webhook has its own lane — at most one POST in flight per endpoint in this process —
 * so a hanging endpoint holds only its own lane, and runs and deployments never wait for any of it:
 * they only write their rows, which this loop reads later.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const o = resolveNotifierOptions(options);
  const breakers = new Map<number, CircuitBreaker>();
  const lanes = new Map<number, Promise<void>>();
  let stopped: Promise<void> | undefined;

  const breakerOf = (webhookId: number): CircuitBreaker => {
    let breaker = breakers.get(webhookId);
    if (!breaker) {
      breaker = createCircuitBreaker(o.clock, o.breaker);
      breakers.set(webhookId, breaker);
    }
    return breaker;
  };

  const tick = async (): Promise<void> => {
    try {
      await recordNewEvents(o.db, o.clock, o.detector);
      const claimed = await claimDueDeliveries(o.db, o.clock, {
        limit: o.claimLimit,
        // A claim outlives the slowest lane it could join: every claimed delivery of a webhook posted in turn.
        leaseMs: o.requestTimeoutMs * (o.claimLimit + 1),
        busyWebhookIds: [...lanes.keys()],
      });
      for (const [webhookId, deliveries] of groupByWebhook(claimed)) {
        const lane = runLane(o, breakerOf(webhookId), deliveries, () => loop.stopping())
          .catch((err: unknown) => o.logger.error({ err, webhookId }, 'notification delivery failed'))
          .finally(() => lanes.delete(webhookId));
        lanes.set(webhookId, lane);
      }
    } catch (err) {
      o.logger.error({ err }, 'notifier poll failed');
    }
  };

  const loop = createPollLoop(o.pollIntervalMs, tick);

  return {
    start: async () => {
      // A bad store at start is logged like a failed poll: the server still starts, and polls again.
      await syncEnvWebhook(o).catch((err: unknown) => o.logger.error({ err }, 'could not apply SLIPWAY_NOTIFY_WEBHOOK_URL'));
      await loop.start();
    },
    stop: () => {
      stopped ??= (async () => {
        await loop.stop();
        await Promise.all(lanes.values());
      })();
      return stopped;
    },
    readBreaker: (webhookId) => breakers.get(webhookId)?.read(),
  };
}

async function runLane(o: ResolvedNotifierOptions, breaker: CircuitBreaker, deliveries: ClaimedDelivery[], isStopping: () => boolean): Promise<void> {
  for (const delivery of deliveries) {
    if (isStopping()) {
      // Due again at once: the next start (here or on another replica) posts it, not after the lease.
      await postponeDelivery(o.db, o.clock, delivery.id, o.clock.now());
      continue;
    }
    const admission = breaker.admit();
    if (!admission.allowed) {
      await postponeDelivery(o.db, o.clock, delivery.id, admission.retryAtMs, 'circuit breaker open: the endpoint failed repeatedly');
      continue;
    }
    const payload = formatSlackPayload(delivery.eventId, delivery.event, { baseUrl: o.baseUrl });
    const result = await postWebhook(delivery.url, payload, o.requestTimeoutMs);
    if (result.ok) {
      breaker.succeeded();
      await markDelivered(o.db, o.clock, delivery.id, result.statusCode);
      continue;
    }
    breaker.failed();
    const attempts = delivery.attempts + 1;
    const retryAtMs = result.retryable && attempts < o.maxAttempts ? o.clock.now() + computeBackoffMs(attempts, o.backoff, o.random) : undefined;
    await markAttemptFailed(o.db, o.clock, delivery.id, { error: result.error, statusCode: result.statusCode, retryAtMs });
  }
}

function groupByWebhook(deliveries: ClaimedDelivery[]): Map<number, ClaimedDelivery[]> {
  const groups = new Map<number, ClaimedDelivery[]>();
  for (const delivery of deliveries) groups.set(delivery.webhookId, [...(groups.get(delivery.webhookId) ?? []), delivery]);
  return groups;
}

/** SLIPWAY_NOTIFY_WEBHOOK_URL set: webhook env-default posts there; unset: it is removed. */
async function syncEnvWebhook(o: { db: Db; clock: ResolvedNotifierOptions['clock']; defaultWebhookUrl?: string | undefined }): Promise<void> {
  if (o.defaultWebhookUrl === undefined) {
    await o.db.query("DELETE FROM notification_webhooks WHERE source = 'env'");
    return;
  }
  const input = parseWebhookInput(envWebhookName, { url: o.defaultWebhookUrl });
  await putWebhook(o.db, o.clock, { ...input, name: envWebhookName, actor: 'SLIPWAY_NOTIFY_WEBHOOK_URL', source: 'env' });
}
