/**
 * The canary control plane is scoped by team, over HTTP and gRPC alike: a rollout belongs to its
 * deployment's project, people see the decisions and rollouts of their teams' projects only (another
 * team's answer 404 or are left out of lists, exactly like missing ones), feed telemetry only to
 * rollouts of teams where they are developer or above (anything else is rejected as unknown_rollout),
 * and gRPC calls need an API token. Administrators see and feed every rollout, including one
 * registered without a project.
 */
import { fromJson } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMemoryBus } from '../bus/index.js';
import { type CanaryService, createRollout, parsePolicy, recordDecision, startCanaryService } from '../canary/index.js';
import { CanaryService as CanaryGrpcService, TelemetryBatchSchema } from '../canary/gen/slipway/canary/v1/canary_pb.js';
import { testDecision } from '../canary/decisions/test-support/decision-fixtures.js';
import { fastPolicyYaml } from '../canary/test-support/fast-policy.js';
import { systemClock } from '../clock/clock.js';
import { createTeam, defaultTeamName, ensureProjectInTeam, findTeam } from '../identity/index.js';
import { describeEachStore } from '../test-support/test-store.js';
import { createCanaryAuthorizer } from './auth/authorize-canary-call.js';
import { adminTokenOf, createTestUser } from './test-support/sign-in-as-admin.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';

describeEachStore('canary routes and gRPC scoped by team', (h) => {
  let canary: CanaryService;
  let platform: TestPlatform;
  const tokens: Record<'admin' | 'dev' | 'viewer' | 'other', string> = { admin: '', dev: '', viewer: '', other: '' };
  // Unique per store run, should both stores share one process's ids.
  const id = (name: string) => `scope-${process.pid}-${name}`;
  const sequences: Record<'ours' | 'theirs' | 'none', number> = { ours: 0, theirs: 0, none: 0 };

  beforeAll(async () => {
    const policy = parsePolicy(fastPolicyYaml({ name: 'scope', maxErrorRate: 0.05 }), 'test');
    if (!policy.ok) throw new Error('test policy is invalid');
    canary = await startCanaryService({
      db: h.db,
      bus: createMemoryBus(),
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      grpcPort: 0,
      policy: policy.policy,
      authorizeGrpc: createCanaryAuthorizer(h.db, systemClock),
    });
    platform = await startTestPlatform(h.db, { canary: { canary } });
    tokens.admin = await adminTokenOf(h.db);
    tokens.dev = await createTestUser(h.db, 'scope-dev', 'developer');
    tokens.viewer = await createTestUser(h.db, 'scope-viewer', 'viewer');
    tokens.other = await createTestUser(h.db, 'scope-other', 'maintainer', 'scope-blue');
    const ours = await ensureProjectInTeam(h.db, { project: 'scope/ours', teamId: (await findTeam(h.db, defaultTeamName))!.id });
    const blue = (await findTeam(h.db, 'scope-blue')) ?? (await createTeam(h.db, { name: 'scope-blue', nowMs: Date.now() }));
    const theirs = await ensureProjectInTeam(h.db, { project: 'scope/theirs', teamId: blue.id });
    const rollouts = { ours: ours.projectId, theirs: theirs.projectId, none: undefined } as const;
    for (const [name, projectId] of Object.entries(rollouts) as Array<[keyof typeof sequences, number | undefined]>) {
      await createRollout(h.db, systemClock, { id: id(name), service: 'web', policyVersion: 'p1', ...(projectId === undefined ? {} : { projectId }) });
      const recorded = await recordDecision(h.db, systemClock, testDecision(id(name), `${id(name)}-1`));
      sequences[name] = recorded.decision.sequence;
    }
  });
  afterAll(async () => {
    await platform?.stop();
    await canary?.close();
  });

  const get = async (who: keyof typeof tokens, path: string) => {
    const response = await fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const listed = async (who: keyof typeof tokens) => {
    const { body } = await get(who, '/api/v1/canary/decisions?limit=1000');
    const ids = (body['decisions'] as Array<{ rolloutId: string }>).map((decision) => decision.rolloutId);
    return (['ours', 'theirs', 'none'] as const).filter((name) => ids.includes(id(name)));
  };

  it("lists only the decisions of the caller's teams' rollouts; administrators see all", async () => {
    expect(await listed('dev')).toEqual(['ours']);
    expect(await listed('viewer')).toEqual(['ours']);
    expect(await listed('other')).toEqual(['theirs']);
    expect(await listed('admin')).toEqual(['ours', 'theirs', 'none']);
    // Asking for another team's rollout by name finds nothing, as for a rollout that does not exist.
    const { status, body } = await get('dev', `/api/v1/canary/decisions?rollout=${id('theirs')}`);
    expect(status).toBe(200);
    expect(body['decisions']).toEqual([]);
  });

  it("answers 404 for another team's decision or rollout, with the body of a missing one", async () => {
    expect((await get('dev', `/api/v1/canary/rollouts/${id('ours')}`)).status).toBe(200);
    expect((await get('dev', `/api/v1/canary/decisions/${sequences.ours}`)).status).toBe(200);
    const hidden = await get('dev', `/api/v1/canary/rollouts/${id('theirs')}`);
    const missing = await get('dev', `/api/v1/canary/rollouts/${id('nowhere')}`);
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body).replaceAll(id('theirs'), 'X')).toBe(JSON.stringify(missing.body).replaceAll(id('nowhere'), 'X'));
    expect((await get('dev', `/api/v1/canary/decisions/${sequences.theirs}`)).status).toBe(404);
    expect((await get('dev', `/api/v1/canary/rollouts/${id('theirs')}/series`)).status).toBe(404);
    expect((await get('dev', `/api/v1/canary/rollouts/${id('ours')}/series`)).status).toBe(200);
    expect((await get('other', `/api/v1/canary/rollouts/${id('none')}`)).status).toBe(404);
    expect((await get('admin', `/api/v1/canary/rollouts/${id('theirs')}`)).status).toBe(200);
    expect((await get('admin', `/api/v1/canary/rollouts/${id('none')}`)).status).toBe(200);
  });

  const batch = (...rollouts: string[]) => ({
    events: rollouts.map((rolloutId) => ({ service: 'web', rolloutId, version: 'v2', track: 'TRACK_CANARY', eventTimeMs: String(Date.now()), latencyMs: 5, statusCode: 200 })),
  });
  const postTelemetry = async (who: keyof typeof tokens, body: unknown) => {
    const response = await fetch(`${platform.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { accepted: number; rejectedByReason: Record<string, number> };
  };

  it('takes telemetry over HTTP only for rollouts of teams where the caller is developer or above', async () => {
    const all = batch(id('ours'), id('theirs'), id('none'));
    expect(await postTelemetry('dev', all)).toMatchObject({ accepted: 1, rejectedByReason: { unknown_rollout: 2 } });
    expect(await postTelemetry('viewer', all)).toMatchObject({ accepted: 0, rejectedByReason: { unknown_rollout: 3 } });
    expect(await postTelemetry('other', all)).toMatchObject({ accepted: 1, rejectedByReason: { unknown_rollout: 2 } });
    expect(await postTelemetry('admin', all)).toMatchObject({ accepted: 3 });
  });

  const grpc = (token?: string) =>
    createClient(
      CanaryGrpcService,
      createGrpcTransport({
        baseUrl: `http://127.0.0.1:${canary.grpcPort}`,
        interceptors:
          token === undefined
            ? []
            : [
                (next) => (request) => {
                  request.header.set('authorization', `Bearer ${token}`);
                  return next(request);
                },
              ],
      }),
    );

  it('refuses gRPC calls without a valid API token', async () => {
    for (const client of [grpc(), grpc('slp_not-a-token'), grpc('slpa_an-agent-token')]) {
      const refused = await client.getRollout({ rolloutId: id('ours') }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConnectError);
      expect((refused as ConnectError).code).toBe(Code.Unauthenticated);
      expect((refused as ConnectError).rawMessage).toMatch(/API token|sign in/);
    }
  });

  it('scopes gRPC as HTTP: rollouts, watched decisions and telemetry', async () => {
    const dev = grpc(tokens.dev);
    expect((await dev.getRollout({ rolloutId: id('ours') })).rollout?.id).toBe(id('ours'));
    const hidden = await dev.getRollout({ rolloutId: id('theirs') }).catch((error: unknown) => error);
    expect((hidden as ConnectError).code).toBe(Code.NotFound);

    // The watch delivers the stored decisions after the cursor: only the caller's team's.
    const seen: string[] = [];
    const stop = new AbortController();
    const after = Math.min(...Object.values(sequences)) - 1;
    const watching = (async () => {
      for await (const message of dev.watchDecisions({ afterSequence: BigInt(after) }, { signal: stop.signal })) {
        seen.push(message.decision!.rolloutId);
        if (message.decision!.rolloutId === id('ours')) stop.abort();
      }
    })().catch((error: unknown) => {
      if (!(error instanceof ConnectError && error.code === Code.Canceled)) throw error;
    });
    await watching;
    expect(seen.filter((rollout) => rollout.startsWith(`scope-${process.pid}-`))).toEqual([id('ours')]);

    const all = fromJson(TelemetryBatchSchema, batch(id('ours'), id('theirs'), id('none')));
    const fed = await dev.ingestBatch({ batch: all });
    expect(fed.summary).toMatchObject({ accepted: 1n, rejected: 2n });
    expect((await grpc(tokens.admin).ingestBatch({ batch: all })).summary).toMatchObject({ accepted: 3n, rejected: 0n });
  });
});
