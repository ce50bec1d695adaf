import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Bus, Subscription } from '../../bus/bus.js';
import { type Clock, createManualClock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Metrics } from '../../metrics/index.js';
import type { Diagnostic } from '../../pipeline/model.js';
import type { Db } from '../../store/db.js';
import { createTelemetryIngestor, type TelemetryIngestor } from '../api/create-telemetry-ingestor.js';
import { decodeTelemetryPayload, telemetryTopic } from '../api/decode-telemetry-payload.js';
import { createRolloutLookup } from '../api/rollout-lookup.js';
import type { CanaryCaller } from '../api/create-canary-service.js';
import { type GrpcServer, startGrpcServer } from '../api/start-grpc-server.js';
import { createDecisionNotifier, type DecisionNotifier } from '../decisions/decision-notifier.js';
import { fromEngineDecision } from '../decisions/from-engine-decision.js';
import { recordAndPublishDecision } from '../decisions/record-and-publish-decision.js';
import { relayDecisionsFromBus } from '../decisions/relay-decisions-from-bus.js';
import type { Decision } from '../engine/decision.js';
import { type CanaryEngine, createCanaryEngine, type WindowLimits } from '../engine/run-engine.js';
import { DEFAULT_POLICY } from '../policy/default-policy.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { Policy } from '../policy/policy-model.js';
import { type PolicyWatcher, watchPolicyFile } from '../policy/watch-policy-file.js';
import { createDeployLink, type DeployLink } from './create-deploy-link.js';
import { createTelemetryFeed } from './create-telemetry-feed.js';

/** pino's shape (a FastifyBaseLogger fits), so the service logs like the rest of the server. */
export interface CanaryLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface CanaryServiceOptions {
  /** May be a deferred handle: nothing is read before the first telemetry or request. */
  db: Db;
  /** Owned by the caller (closed after this service). */
  bus: Bus;
  clock: Clock;
  logger: CanaryLogger;
  /** A policy file, hot-reloaded; unset: the built-in default policy. Invalid at start: start fails. */
  policyFile?: string;
  /** The policy new rollouts pin when there is no file (tests, benchmarks). Default DEFAULT_POLICY. */
  policy?: Policy;
  /** gRPC (CanaryService) port on 127.0.0.1; 0 picks a free one. */
  grpcPort: number;
  /** Who a gRPC call comes from (create-canary-service.ts); absent: every call may do everything. */
  authorizeGrpc?: (authorization: string | undefined) => Promise<CanaryCaller>;
  /**
   * Ring this process's watchers for decisions other server replicas commit (a consumer group per
   * process on `decisions`). Only useful with a shared bus; pointless with memory.
   */
  relayDecisions?: boolean;
  windowLimits?: WindowLimits;
  /** How late a watcher sees a decision nobody notified it of. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Decisions by action and their latency, telemetry accepted/rejected and its lag; absent: not counted. */
  metrics?: Metrics;
  /**
   * This engine's consumer name in the group `canary-engine`. It must be the same after a restart: the
   * messages a dead engine held unacked come back to the consumer of that name first, in order, which
   * is what rebuilds its windows. Default `<hostname>-canary-engine`.
   */
  engineConsumer?: string;
  /** How long a held (fed, unacked) message waits before it is re-delivered to be acked. Default 30_000 ms. */
  engineAckWaitMs?: number;
}

export type SetPolicyResult = { ok: true; policy: Policy } | { ok: false; diagnostics: Diagnostic[] };

export interface CanaryService {
  readonly ingestor: TelemetryIngestor;
  readonly notifier: DecisionNotifier;
  readonly engine: CanaryEngine;
  readonly grpcPort: number;
  readonly db: Db;
  /** What the deploy controller's canary `analysis` steps drive (deploy/controller/canary-link.ts). */
  readonly deployLink: DeployLink;
  /** The version new rollouts pin. */
  currentPolicy(): Policy;
  /**
   * Policy YAML set through the API: new rollouts pin it, running ones keep theirs — unless `rolloutId`
   * is given, which re-pins that one rollout only. Never throws for a bad policy: returns its problems.
   */
  setPolicy(text: string, options?: { rolloutId?: string }): SetPolicyResult;
  /** Resolves once every decision the engine has made so far is stored and published. */
  flushDecisions(): Promise<void>;
  /** Stops intake, the gRPC server and the policy watcher; waits for pending decisions. Not the bus. */
  close(): Promise<void>;
}

/**
 * The canary control plane of one server process: `telemetry.raw` → engine → store + `decisions` +
 * WatchDecisions. Telemetry reaches `telemetry.raw` from gRPC and HTTP (through `ingestor`, validated)
 * and from producers that publish to the bus themselves (the built-in router).
 *
 * Durability contract (crash safety). Every decision is stored once under its idempotency key
 * (rollout/step/windowEnd/policyVersion, unique in canary_decisions) before it is published. The engine
 * keeps no state but what its telemetry messages rebuild: its clock is each rollout's newest event
 * time (never the wall clock), so its decisions are a deterministic function of a rollout's events in
 * stream order. A `telemetry.raw` message is acknowledged only once every rollout it carries events
 * for has a stored final decision (ROLLBACK, or PROMOTE of the last step): until then it stays pending
 * (create-telemetry-feed.ts). After `kill -9` at any point, the restarted engine (same consumer name)
 * reads its pending messages again, oldest first, before new ones; it rebuilds the same windows and
 * re-makes the same decisions under the same keys, which the store ignores: nothing is missed, nothing
 * is stored twice. Rollouts with a stored ROLLBACK are loaded as final before the first message, so
 * their late telemetry starts nothing. A dead engine under another name loses its pending messages
 * to XAUTOCLAIM after ackWaitMs; they are then fed after newer ones, which may judge them too late.
 * Costs: a rollout's messages are retained (pending) for its whole life, and each held message is
 * re-delivered every ackWaitMs to find out whether it can be acked. Not covered: the deploy
 * controller's step moves (deployLink) are not in the stream, so a restart forgets them until the
 * controller re-enters the step; a decision whose store write fails is retried only by a restart.
 *
 * One engine per rollout is assumed and NOT enforced: every replica's engine joins the consumer group
 * `canary-engine`, and the bus splits a group's messages between its consumers without regard to the
 * rollout. With more than one server replica a rollout's events are therefore split between engines,
 * each judging part of the evidence (and each writing its own decisions, deduplicated only when the
 * windows happen to coincide). Until the bus can key messages by rollout (Redis Streams and the memory
 * bus cannot; NATS subjects per rollout could), run the engine in one replica only.
 */
export async function startCanaryService(options: CanaryServiceOptions): Promise<CanaryService> {
  const { db, bus, clock, logger } = options;
  const notifier = createDecisionNotifier();
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  let policy = options.policy ?? DEFAULT_POLICY;
  // Decisions are stored one after another, in the order the engine made them, so sequence order is decision order.
  let recording: Promise<void> = Promise.resolve();

  const record = (decision: Decision) => {
    const input = fromEngineDecision(decision);
    if (input === undefined) return;
    recording = recording
      .then(() => recordAndPublishDecision({ db, clock, notifier, bus }, input))
      .then(
        (result) => {
          const state = engine.readRollout(decision.rolloutId)?.state;
          const final = decision.action === 'ROLLBACK' || (decision.action === 'PROMOTE' && state === 'completed');
          if (final) feed.markFinal(decision.rolloutId);
          if (!result.created) return;
          // Event time to stored: how long the evidence waited for the watermark, the judges and the store.
          const latencyMs = clock.now() - decision.windowEndMs;
          options.metrics?.canaryDecisionRecorded(decision.action, latencyMs / 1000);
          logger.info(
            { rolloutId: decision.rolloutId, step: decision.step, action: decision.action, sequence: result.decision.sequence, latencyMs },
            'canary decision recorded',
          );
        },
        (err: unknown) => logger.error({ err, rolloutId: decision.rolloutId, decision: decision.idempotencyKey }, 'canary decision could not be recorded'),
      );
  };
  // Event time, per rollout (set by the feed): a replay of the same messages makes the same decisions.
  const eventClock = createManualClock(clock.now());
  const engine = createCanaryEngine({ clock: eventClock, defaultPolicy: policy, onDecision: record, ...(options.windowLimits ? { windowLimits: options.windowLimits } : {}) });
  const feed = createTelemetryFeed({
    engine,
    eventClock,
    decode: decodeTelemetryPayload,
    onUnreadable: (err, id) => logger.warn({ err, id }, `canary engine: skipped a ${telemetryTopic} message`),
  });
  // Read before the first message (the db may be deferred until then); a failure leaves the batch unacked.
  let finalLoaded: Promise<void> | undefined;
  const loadFinalRollouts = async () => {
    const { rows } = await db.query<{ rollout_id: string }>("SELECT DISTINCT rollout_id FROM canary_decisions WHERE action = 'ROLLBACK'");
    for (const { rollout_id: id } of rows) {
      feed.markFinal(id);
      if (engine.hasRollout(id)) continue;
      engine.startRollout({ id, stepStartedMs: 0 });
      engine.moveRollout(id, { step: 1, stepStartedMs: 0, state: 'rolled_back' });
    }
  };
  const usePolicy = (next: Policy, source: string) => {
    policy = next;
    engine.setDefaultPolicy(next);
    logger.info({ policy: next.name, version: next.version, source }, 'canary policy for new rollouts');
  };

  let watcher: PolicyWatcher | undefined;
  if (options.policyFile !== undefined) {
    const file = options.policyFile;
    watcher = await watchPolicyFile(file, {
      onChange: (next) => usePolicy(next, file),
      onError: (diagnostics) => logger.warn({ problems: diagnostics.map(formatDiagnostic) }, 'canary policy file is invalid: keeping the previous version'),
    });
    if (watcher.current() === undefined) {
      watcher.close();
      throw new AppError(ErrorCode.invalidArgument, `SLIPWAY_CANARY_POLICY=${file} is not a valid policy: fix the file (see \`slipway policy test\`) or unset the variable`);
    }
  }

  const ingestor = createTelemetryIngestor({
    bus,
    clock,
    rollouts: createRolloutLookup({ db, clock }),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const cleanups: (() => Promise<void> | void)[] = [() => watcher?.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const subscription: Subscription = await bus.subscribe(
      telemetryTopic,
      {
        group: 'canary-engine',
        consumer: options.engineConsumer ?? `${hostname()}-canary-engine`,
        batch: 500,
        ...(options.engineAckWaitMs === undefined ? {} : { ackWaitMs: options.engineAckWaitMs }),
        onError: (err) => logger.error({ err }, `canary engine: ${telemetryTopic} error`),
      },
      async (messages) => {
        finalLoaded ??= loadFinalRollouts().catch((error: unknown) => {
          finalLoaded = undefined;
          throw error;
        });
        await finalLoaded;
        feed.handleMessages(messages);
      },
    );
    cleanups.push(() => subscription.close());
    if (options.relayDecisions) {
      const relay = await relayDecisionsFromBus({
        bus,
        notifier,
        group: `decisions-relay-${randomUUID()}`,
        onError: (err) => logger.warn({ err }, 'decision relay error'),
      });
      cleanups.push(() => relay.close());
    }
    const grpc: GrpcServer = await startGrpcServer({
      port: options.grpcPort,
      db,
      notifier,
      ingestor,
      pollIntervalMs,
      ...(options.authorizeGrpc === undefined ? {} : { authorize: options.authorizeGrpc }),
      logError: (err) => logger.error({ err }, 'canary gRPC call failed'),
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE') throw error;
      throw new AppError(ErrorCode.unavailable, `the canary gRPC port ${options.grpcPort} on 127.0.0.1 is already in use — stop the other process or set SLIPWAY_GRPC_PORT (0 picks a free port)`, { cause: error });
    });
    cleanups.push(() => grpc.close());

    let closing: Promise<void> | undefined;
    return {
      ingestor,
      notifier,
      engine,
      db,
      grpcPort: grpc.port,
      deployLink: createDeployLink({ db, clock, engine, notifier, currentPolicy: () => policy, pollIntervalMs }),
      currentPolicy: () => policy,
      setPolicy: (text, setOptions = {}) => {
        const parsed = parsePolicy(text, 'api');
        if (!parsed.ok) return parsed;
        if (setOptions.rolloutId !== undefined) engine.setRolloutPolicy(setOptions.rolloutId, parsed.policy);
        else usePolicy(parsed.policy, 'api');
        return { ok: true, policy: parsed.policy };
      },
      flushDecisions: async () => {
        let seen: Promise<void>;
        do {
          seen = recording;
          await seen;
        } while (seen !== recording);
      },
      close: () => {
        closing ??= (async () => {
          await closeAll();
          await recording;
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}
