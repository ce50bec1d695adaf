import { type Socket, createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../clock/clock.js';
import { AppError, ErrorCode } from '../../../errors/app-error.js';
import { toPercentShares } from '../resolve-weights.js';
import { type RouterBackend, type RouterOptions, type RouterState, type RouterWeights, type TrafficRouter, defaultWeights } from '../router.js';
import { validateBackends, validateServiceName, validateSticky, validateWeights } from '../validate-router-input.js';
import { describeTerminationState, parseLogLine } from './parse-log-line.js';
import { parseServersState } from './parse-servers-state.js';
import { type SlotPlan, assignSlots, planSlotCommands, planSlotWeights } from './plan-slots.js';
import { renderHaproxyConfig, renderSlotMap } from './render-config.js';
import { runCommands, sendCommand } from './runtime-api.js';
import { type HaproxyFiles, serverSlotName, serviceSlotName } from './slot-names.js';
import { type HaproxyProcess, findFreePort, startHaproxy } from './start-haproxy.js';

export interface HaproxyRouterOptions extends RouterOptions {
  /** Default /usr/sbin/haproxy (Debian's package). */
  haproxyPath?: string;
  /** Services one HAProxy can front (pre-declared backends); default 8. */
  maxServices?: number;
  /** Replicas per service (pre-declared server slots); default 16. */
  maxBackendsPerService?: number;
  /** Default 15 000. */
  startTimeoutMs?: number;
  /** Default 2 000; also HAProxy's delay before its one retry on a refused connection. */
  connectTimeoutMs?: number;
  /** Default 30 000. */
  serverTimeoutMs?: number;
}

export interface HaproxyRouter extends TrafficRouter {
  /** The HAProxy process, for tests and operators. */
  readonly pid: number;
}

interface ServiceSlot {
  index: number;
  backends: (RouterBackend | undefined)[];
  weights: RouterWeights;
  applied: SlotPlan[];
}

const startAttempts = 3;

/** HAProxy started by Slipway with a generated config, driven through its runtime API, its request log read over UDP. */
export async function createHaproxyRouter(options: HaproxyRouterOptions = {}): Promise<HaproxyRouter> {
  validateSticky(options.sticky);
  if (options.defaultService !== undefined) validateServiceName(options.defaultService);
  const clock = options.clock ?? systemClock;
  const maxServices = options.maxServices ?? 8;
  const serverSlots = options.maxBackendsPerService ?? 16;
  const runDir = await mkdtemp(join(tmpdir(), 'slipway-haproxy-'));
  const files: HaproxyFiles = {
    configPath: join(runDir, 'haproxy.cfg'),
    adminSocketPath: join(runDir, 'admin.sock'),
    servicesMapPath: join(runDir, 'services.map'),
    versionsMapPath: join(runDir, 'versions.map'),
    tracksMapPath: join(runDir, 'tracks.map'),
  };
  const services = new Map<string, ServiceSlot>();
  const bySlotName = new Map<string, string>();
  if (options.defaultService !== undefined) claimSlot(options.defaultService);

  function claimSlot(service: string): ServiceSlot {
    let slot = services.get(service);
    if (slot) return slot;
    if (services.size >= maxServices) {
      throw new AppError(ErrorCode.failedPrecondition, `router: HAProxy was started for ${maxServices} services and "${service}" would be one more. Start it with a larger maxServices.`, { details: { service } });
    }
    slot = { index: services.size, backends: new Array(serverSlots).fill(undefined), weights: { ...defaultWeights }, applied: new Array(serverSlots).fill({ weight: 0 }) };
    services.set(service, slot);
    bySlotName.set(serviceSlotName(slot.index), service);
    return slot;
  }

  let logSocket: Socket | undefined;
  let haproxy: HaproxyProcess | undefined;
  let port = 0;
  try {
    logSocket = await listenForLog((line) => onLogLine(line));
    const logPort = logSocket.address().port;
    const initialServices = [...services].map(([name, s]) => `${name} ${serviceSlotName(s.index)}`).join('\n');
    await writeFile(files.servicesMapPath, initialServices === '' ? '' : `${initialServices}\n`);
    await writeFile(files.versionsMapPath, renderSlotMap(maxServices, serverSlots));
    await writeFile(files.tracksMapPath, renderSlotMap(maxServices, serverSlots));
    for (let attempt = 1; ; attempt++) {
      port = options.port || (await findFreePort());
      const config = renderHaproxyConfig({
        files,
        port,
        logPort,
        serviceSlots: maxServices,
        serverSlots,
        ...(options.sticky ? { sticky: options.sticky } : {}),
        ...(options.defaultService !== undefined ? { defaultServiceSlot: 0 } : {}),
        connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
        serverTimeoutMs: options.serverTimeoutMs ?? 30_000,
      });
      await writeFile(files.configPath, config);
      try {
        haproxy = await startHaproxy({ haproxyPath: options.haproxyPath ?? '/usr/sbin/haproxy', configPath: files.configPath, adminSocketPath: files.adminSocketPath, startTimeoutMs: options.startTimeoutMs ?? 15_000 });
        break;
      } catch (err) {
        // A free port found by Node can be taken before HAProxy binds it; only then is another try worth it.
        if (options.port || attempt >= startAttempts || !/cannot bind|Address already in use/i.test(String((err as Error).message))) throw err;
      }
    }
  } catch (err) {
    logSocket?.close();
    await rm(runDir, { recursive: true, force: true });
    throw err;
  }

  function onLogLine(text: string): void {
    const line = parseLogLine(text);
    const service = line && bySlotName.get(line.backend);
    if (!line || !service || !options.onRequest) return;
    const slot = services.get(service)!;
    const serverSlot = Number(line.server.slice(line.backend.length + 1));
    const backend = line.server.startsWith(`${line.backend}s`) ? slot.backends[serverSlot] : undefined;
    const error = describeTerminationState(line.terminationState);
    const latencyMs = Math.max(0, line.activeMs);
    options.onRequest({
      service,
      ...(line.version ? { version: line.version } : {}),
      ...(line.track ? { track: line.track } : {}),
      // The slot's replica now; the version and track came from HAProxy at request time.
      ...(backend && backend.version === line.version ? { backendId: backend.id } : {}),
      status: line.status,
      latencyMs,
      // HAProxy logs when the response ended; the event is stamped with when the request arrived.
      timeMs: clock.now() - latencyMs,
      ...(error ? { error } : {}),
    });
  }

  // Changes to one router are applied one at a time, so two callers never interleave their commands.
  let queue: Promise<unknown> = Promise.resolve();
  function apply(service: string, change: (slot: ServiceSlot) => void): Promise<void> {
    const run = queue.then(async () => {
      const slot = claimSlot(service);
      change(slot);
      const next = planSlotWeights(slot.backends, slot.weights);
      const backendName = serviceSlotName(slot.index);
      const serverNames = slot.backends.map((_, j) => serverSlotName(slot.index, j));
      const commands = planSlotCommands(backendName, serverNames, files, slot.applied, next);
      await runCommands(files.adminSocketPath, commands);
      slot.applied = next;
      // Mapped once its servers are set up, so a new service's first requests do not meet empty slots.
      await ensureServiceMapped(service, backendName);
    });
    queue = run.catch(() => {});
    return run;
  }

  const mapped = new Set<string>(options.defaultService !== undefined ? [options.defaultService] : []);
  async function ensureServiceMapped(service: string, backendName: string): Promise<void> {
    if (mapped.has(service)) return;
    await runCommands(files.adminSocketPath, [`add map ${files.servicesMapPath} ${service} ${backendName}`]);
    mapped.add(service);
  }

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: haproxy!.pid,
    setBackends: async (service, backends) => {
      validateBackends(service, backends);
      await apply(service, (slot) => {
        slot.backends = assignSlots(slot.backends, backends, service);
      });
    },
    setWeights: async (service, weights) => {
      validateWeights(service, weights);
      await apply(service, (slot) => {
        slot.weights = { ...weights };
      });
    },
    readState: () => readState(services, files),
    close: () => {
      closed ??= (async () => {
        await haproxy?.stop();
        logSocket?.close();
        await rm(runDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}

/** The state as HAProxy reports it, with Node's slot table naming the replicas. */
async function readState(services: ReadonlyMap<string, ServiceSlot>, files: HaproxyFiles): Promise<RouterState> {
  const result: RouterState = { services: {} };
  for (const [service, slot] of services) {
    const servers = parseServersState(await sendCommand(files.adminSocketPath, `show servers state ${serviceSlotName(slot.index)}`));
    const versionUnits = new Map<string, number>();
    const backends = [];
    for (const [j, backend] of slot.backends.entries()) {
      if (!backend) continue;
      const server = servers.find((s) => s.server === serverSlotName(slot.index, j));
      const units = server?.running && !server.maintenance ? server.weight : 0;
      const ready = units > 0;
      versionUnits.set(backend.version, (versionUnits.get(backend.version) ?? 0) + units);
      backends.push({ ...backend, ready });
    }
    result.services[service] = { weights: { ...slot.weights }, versions: toPercentShares(versionUnits), backends };
  }
  return result;
}

function listenForLog(onLine: (line: string) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // A large receive buffer: a burst of log datagrams must not be dropped while the event loop is busy.
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    socket.on('message', (message) => {
      for (const line of message.toString('utf8').split('\n')) if (line !== '') onLine(line);
    });
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}
