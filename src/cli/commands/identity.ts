import type { Command } from 'commander';
import { resolveServerUrl } from '../api-client.js';
import { saveToken } from '../credentials.js';
import { createIdentityRequest } from '../deploy-api-client.js';
import { formatAge, formatTable } from '../format-table.js';
import { addIdentityOptions, type IdentityOptions, readCliIdentity } from '../identity-option.js';
import type { CommandResult } from '../main.js';
import { addServerOption } from '../server-option.js';

interface ApiMe {
  name: string;
  admin: boolean;
  teams: { team: string; role: string }[];
}
interface ApiToken {
  id: number;
  kind: string;
  user: string | null;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  secret?: string;
}

const roles = 'viewer, developer, maintainer or admin';

function request(options: IdentityOptions) {
  const call = createIdentityRequest(resolveServerUrl(options.server, process.env), readCliIdentity(options));
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await call(method, path, body);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
}

/** A command with --server and --token. */
function verb(parent: Command, name: string, summary: string): Command {
  return addIdentityOptions(addServerOption(parent.command(name).summary(summary)));
}

const describeMe = (me: ApiMe) =>
  `${me.name}${me.admin ? ' (administrator)' : ''}${me.teams.length === 0 ? ', in no team' : `: ${me.teams.map((t) => `${t.role} in ${t.team}`).join(', ')}`}`;

const tokenRows = (tokens: ApiToken[], now: number) =>
  formatTable(
    ['ID', 'NAME', 'OWNER', 'PREFIX', 'CREATED', 'EXPIRES', 'LAST USED', 'STATE'],
    tokens.map((t) => [
      String(t.id),
      t.name,
      t.user ?? 'agent',
      `${t.prefix}…`,
      formatAge(t.createdAt, now),
      t.expiresAt ?? 'never',
      t.lastUsedAt ? formatAge(t.lastUsedAt, now) : 'never',
      t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= now ? 'expired' : 'active',
    ]),
  );

const printSecret = (token: ApiToken, what: string) =>
  process.stdout.write(`${what} ${token.id} (${token.name}); its secret is shown this once:\n\n    ${token.secret}\n\n`);

/**
 * Sign-in and the identity verbs: `login`, `whoami`, `users`, `teams`, `tokens`, `projects create`
 * and `agents token`. Everything goes through the API with the caller's token.
 */
export function registerIdentityCommands(program: Command, result: CommandResult): void {
  addServerOption(program.command('login').summary('check an API token and save it for this server (in ~/.config/slipway/credentials.json)'))
    .requiredOption('--token <token>', 'the API token (slp_…): the first start prints the administrator\'s; `slipway tokens create` makes more')
    .action(async (options: IdentityOptions & { token: string }) => {
      const { user } = await request(options)<{ user: ApiMe }>('GET', '/api/v1/me');
      const file = await saveToken(resolveServerUrl(options.server, process.env), options.token, process.env);
      process.stdout.write(`Signed in as ${describeMe(user)}. Saved in ${file}.\n`);
      result.exitCode = 0;
    });

  verb(program, 'whoami', 'who your token acts as, and your teams and roles').action(async (options: IdentityOptions) => {
    const { user } = await request(options)<{ user: ApiMe }>('GET', '/api/v1/me');
    process.stdout.write(`${describeMe(user)}\n`);
    result.exitCode = 0;
  });

  const users = program.command('users').summary('people who can sign in (administrators)');
  verb(users, 'create', 'create a user; then give them a token and add them to teams')
    .argument('<name>', 'lower case letters, digits, ., _ or -')
    .option('--admin', 'an administrator: sees and changes everything')
    .action(async (name: string, options: IdentityOptions & { admin?: boolean }) => {
      await request(options)('POST', '/api/v1/users', { name, admin: options.admin === true });
      process.stdout.write(`Created user ${name}${options.admin ? ' (administrator)' : ''}. Next: slipway tokens create --user ${name} --name laptop\n`);
      result.exitCode = 0;
    });
  verb(users, 'list', 'list users').action(async (options: IdentityOptions) => {
    const { users: list } = await request(options)<{ users: { name: string; admin: boolean; createdAt: string }[] }>('GET', '/api/v1/users');
    process.stdout.write(`${formatTable(['NAME', 'ADMIN', 'CREATED'], list.map((u) => [u.name, u.admin ? 'yes' : '', formatAge(u.createdAt, Date.now())]))}\n`);
    result.exitCode = 0;
  });

  const teams = program.command('teams').summary('teams own projects; members have a role in each');
  verb(teams, 'create', 'create a team (administrators)')
    .argument('<name>', 'lower case letters, digits, ., _ or -')
    .action(async (name: string, options: IdentityOptions) => {
      await request(options)('POST', '/api/v1/teams', { name });
      process.stdout.write(`Created team ${name}. Next: slipway teams add ${name} USER --role developer\n`);
      result.exitCode = 0;
    });
  verb(teams, 'list', 'list your teams (all of them for administrators) and their members').action(async (options: IdentityOptions) => {
    const { teams: list } = await request(options)<{ teams: { name: string; members: { user: string; role: string }[] }[] }>('GET', '/api/v1/teams');
    process.stdout.write(`${formatTable(['TEAM', 'MEMBERS'], list.map((t) => [t.name, t.members.map((m) => `${m.user} (${m.role})`).join(', ')]))}\n`);
    result.exitCode = 0;
  });
  verb(teams, 'add', "add a member or change their role (the team's admins, or administrators)")
    .argument('<team>')
    .argument('<user>')
    .requiredOption('--role <role>', roles)
    .action(async (team: string, user: string, options: IdentityOptions & { role: string }) => {
      await request(options)('PUT', `/api/v1/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(user)}`, { role: options.role });
      process.stdout.write(`${user} is ${options.role} in ${team}.\n`);
      result.exitCode = 0;
    });
  verb(teams, 'remove', 'remove a member')
    .argument('<team>')
    .argument('<user>')
    .action(async (team: string, user: string, options: IdentityOptions) => {
      await request(options)('DELETE', `/api/v1/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(user)}`);
      process.stdout.write(`${user} is no longer in ${team}.\n`);
      result.exitCode = 0;
    });

  const tokens = program.command('tokens').summary('API tokens: shown once, stored hashed, expiring, revocable');
  verb(tokens, 'create', 'issue an API token (for yourself; administrators: for anyone with --user)')
    .option('--name <name>', 'what it is for, e.g. laptop or ci', 'cli')
    .option('--expires-in <duration>', 'e.g. 30d or 12h (at most 366d; default: until revoked)')
    .option('--user <name>', 'whose token (default: yours)')
    .action(async (options: IdentityOptions & { name: string; expiresIn?: string; user?: string }) => {
      const call = request(options);
      const user = options.user ?? (await call<{ user: ApiMe }>('GET', '/api/v1/me')).user.name;
      const { token } = await call<{ token: ApiToken }>('POST', `/api/v1/users/${encodeURIComponent(user)}/tokens`, {
        name: options.name,
        ...(options.expiresIn ? { expiresIn: options.expiresIn } : {}),
      });
      printSecret(token, `Token`);
      result.exitCode = 0;
    });
  verb(tokens, 'list', 'list API tokens (yours; administrators: anyone\'s with --user)')
    .option('--user <name>', 'whose tokens (default: yours)')
    .action(async (options: IdentityOptions & { user?: string }) => {
      const call = request(options);
      const user = options.user ?? (await call<{ user: ApiMe }>('GET', '/api/v1/me')).user.name;
      const { tokens: list } = await call<{ tokens: ApiToken[] }>('GET', `/api/v1/users/${encodeURIComponent(user)}/tokens`);
      process.stdout.write(`${tokenRows(list, Date.now())}\n`);
      result.exitCode = 0;
    });
  verb(tokens, 'revoke', 'revoke a token at once (and sign out its web sessions)')
    .argument('<id>', 'the token\'s id (slipway tokens list)')
    .action(async (id: string, options: IdentityOptions) => {
      await request(options)('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      process.stdout.write(`Token ${id} is revoked.\n`);
      result.exitCode = 0;
    });

  const projects = program.command('projects').summary('projects, owned by teams');
  verb(projects, 'create', 'create a project owned by a team (maintainer or above in it)')
    .argument('<name>', 'e.g. acme/web')
    .requiredOption('--team <team>', 'the owning team')
    .action(async (name: string, options: IdentityOptions & { team: string }) => {
      await request(options)('POST', '/api/v1/projects', { name, team: options.team });
      process.stdout.write(`Created project ${name}, owned by ${options.team}.\n`);
      result.exitCode = 0;
    });

  const agents = program.command('agents').summary("build agents' tokens (administrators)");
  const agentTokens = agents.command('token').summary('agent tokens: each agent its own, revocable');
  verb(agentTokens, 'create', 'issue an agent token; start the agent with `slipway agent --token <secret>`')
    .argument('<name>', 'which agent it is for')
    .option('--expires-in <duration>', 'e.g. 90d (default: until revoked)')
    .action(async (name: string, options: IdentityOptions & { expiresIn?: string }) => {
      const { token } = await request(options)<{ token: ApiToken }>('POST', '/api/v1/agent-tokens', { name, ...(options.expiresIn ? { expiresIn: options.expiresIn } : {}) });
      printSecret(token, 'Agent token');
      result.exitCode = 0;
    });
  verb(agentTokens, 'list', 'list agent tokens').action(async (options: IdentityOptions) => {
    const { tokens: list } = await request(options)<{ tokens: ApiToken[] }>('GET', '/api/v1/agent-tokens');
    process.stdout.write(`${tokenRows(list, Date.now())}\n`);
    result.exitCode = 0;
  });
}
