import type { Clock } from '../../clock/clock.js';

/** Which role a version plays in a rollout; weights may name a track instead of a version. */
export type Track = 'stable' | 'canary' | 'baseline';
export const tracks: readonly Track[] = ['stable', 'canary', 'baseline'];

/** One replica of one version of a service, reachable at an IP address and port. */
export interface RouterBackend {
  /** Unique within the service, e.g. the replica id. */
  id: string;
  version: string;
  track: Track;
  /** An IP literal (HAProxy's runtime API sets addresses, not names). */
  host: string;
  port: number;
}

/**
 * Relative weights 0..100 keyed by version or by track; a version's own key wins over its track's.
 * A version named by neither gets 0. Shares are relative: {stable: 90, canary: 10} sends 10% to canary.
 */
export type RouterWeights = Record<string, number>;

export type StickyOption = { cookie: string } | { header: string };

/** One proxied request, as the router saw it: what canary analysis reads from `telemetry.raw`. */
export interface RequestEvent {
  service: string;
  /** Absent when no backend was chosen (nothing available). */
  version?: string;
  track?: Track;
  backendId?: string;
  /** The status the client got, including the router's own 502/503/504. */
  status: number;
  /** From the request reaching the router to the end of the response. */
  latencyMs: number;
  /** When the request reached the router, ms since the Unix epoch. */
  timeMs: number;
  /** Set when the router, not the application, failed the request (unreachable backend, none available). */
  error?: string;
}

export interface RouterOptions {
  /** Port to listen on, on 127.0.0.1; default 0 (a free one). */
  port?: number;
  /** Stickiness; default none (every request is weighted afresh). */
  sticky?: StickyOption;
  /** Called once per request routed to a known service; must not throw. */
  onRequest?: (event: RequestEvent) => void;
  /** Requests whose Host names no service go here; default none (404). */
  defaultService?: string;
  clock?: Clock;
}

export interface BackendState extends RouterBackend {
  /** Takes traffic now: its version has weight > 0 (and, for HAProxy, the server slot is ready). */
  ready: boolean;
}

export interface ServiceState {
  /** The weights as last set (default {stable: 100}). */
  weights: RouterWeights;
  /** Effective share of new (non-sticky) traffic per version in percent, as the router applies it. */
  versions: Record<string, number>;
  backends: BackendState[];
}

export interface RouterState {
  services: Record<string, ServiceState>;
}

/**
 * Sends a service's traffic to its backends by per-version weights, optionally sticky by cookie or
 * header. A request belongs to the service named by the first label of its Host (`web` or
 * `web.anything`), else to `defaultService`. Responses carry `x-slipway-version`. A sticky client keeps
 * its version while that version has weight > 0; weight 0 moves it at once (rollback moves everyone).
 * Every implementation passes router.contract.test.ts.
 */
export interface TrafficRouter {
  /** Where clients connect, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Replaces the service's backends; a service is created by its first call. */
  setBackends(service: string, backends: RouterBackend[]): Promise<void>;
  setWeights(service: string, weights: RouterWeights): Promise<void>;
  readState(): Promise<RouterState>;
  /** Stops listening and any process it started; idempotent. */
  close(): Promise<void>;
}

export const versionHeader = 'x-slipway-version';
export const defaultWeights: RouterWeights = { stable: 100 };
