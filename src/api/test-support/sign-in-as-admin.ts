import { systemClock } from '../../clock/clock.js';
import {
  bootstrapAdminName,
  bootstrapIdentity,
  createTeam,
  createUser,
  defaultTeamName,
  findTeam,
  findUser,
  getUser,
  issueToken,
  setTeamMember,
  type TeamRole,
} from '../../identity/index.js';
import type { Db } from '../../store/db.js';

/**
 * An API token of the administrator `admin` of this store: the first start's, or a new one when the
 * store was bootstrapped before (several test platforms on one store).
 */
export async function adminTokenOf(db: Db): Promise<string> {
  const { adminToken } = await bootstrapIdentity(db, { nowMs: systemClock.now() });
  if (adminToken) return adminToken;
  const admin = await getUser(db, bootstrapAdminName);
  return (await issueToken(db, { kind: 'user', userId: admin.id, name: 'test platform', createdBy: 'test', nowMs: systemClock.now() })).secret;
}

const signedIn = new Map<string, string>();
let unwrapped: typeof fetch | undefined;

/**
 * Makes this test process's fetch send `Authorization: Bearer <token>` to `origin` unless a request
 * says otherwise (its own authorization or cookie header). Tests about something else than access
 * then read like a signed-in person's calls; the access tests sign in explicitly instead. Each test
 * file runs in its own process (vitest forks), so this never leaks into another file.
 */
export function signInFetch(origin: string, token: string): () => void {
  signedIn.set(origin, token);
  if (!unwrapped) {
    const original = globalThis.fetch;
    unwrapped = original;
    globalThis.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const token = signedIn.get(new URL(url).origin);
      if (!token) return original(input, init);
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      if (!headers.has('authorization') && !headers.has('cookie')) headers.set('authorization', `Bearer ${token}`);
      return original(input, { ...init, headers });
    };
  }
  return () => {
    signedIn.delete(origin);
  };
}

/**
 * A person `name` with `role` in `team` (created when missing; default `default`, the team the test
 * platform's projects land in) and an API token of theirs.
 */
export async function createTestUser(db: Db, name: string, role: TeamRole, team = defaultTeamName, options: { admin?: boolean } = {}): Promise<string> {
  const nowMs = systemClock.now();
  await bootstrapIdentity(db, { nowMs });
  const user = (await findUser(db, name)) ?? (await createUser(db, { name, admin: options.admin ?? false, nowMs }));
  const found = (await findTeam(db, team)) ?? (await createTeam(db, { name: team, nowMs }));
  await setTeamMember(db, { teamId: found.id, userId: user.id, role });
  return (await issueToken(db, { kind: 'user', userId: user.id, name: 'test', createdBy: 'test', nowMs })).secret;
}

/** Headers that act as a person: their bearer token and a JSON content type. */
export type PersonHeaders = Record<string, string>;

/** People of the team `default` by name, each with the given role, as request headers of theirs. */
export async function createTestPeople<const Name extends string>(db: Db, roles: Record<Name, TeamRole>): Promise<Record<Name, PersonHeaders>> {
  const people = {} as Record<Name, PersonHeaders>;
  for (const [name, role] of Object.entries(roles) as [Name, TeamRole][]) {
    people[name] = { authorization: `Bearer ${await createTestUser(db, name, role)}`, 'content-type': 'application/json' };
  }
  return people;
}
