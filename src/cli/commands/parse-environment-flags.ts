import { InvalidArgumentError } from 'commander';

/** `45`, `90s`, `10m`, `1h30m`, `2d` → seconds. Bare numbers are seconds. */
export function parseDurationSeconds(value: string): number {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?=\d)(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!match) throw new InvalidArgumentError(`expected a duration like 90s, 10m, 1h30m or 2d, got '${value}'`);
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

const freezeKeys = ['cron', 'duration', 'start', 'end', 'reason', 'timezone', 'tz'] as const;

/**
 * `cron=0 18 * * 5;duration=60h;reason=weekend[;tz=Europe/Berlin]` or `start=ISO;end=ISO;reason=...` →
 * a freeze window of the protection rules (validated by the server, which knows every rule).
 */
export function parseFreezeWindow(value: string): Record<string, unknown> {
  const window: Record<string, unknown> = {};
  for (const part of value.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    if (eq < 0 || !(freezeKeys as readonly string[]).includes(key)) {
      throw new InvalidArgumentError(`expected key=value pairs (${freezeKeys.join(', ')}) separated by ';', got '${part}' in '${value}'`);
    }
    const text = part.slice(eq + 1).trim();
    if (key === 'duration') window['durationSeconds'] = parseDurationSeconds(text);
    else window[key === 'tz' ? 'timezone' : key] = text;
  }
  return window;
}

/** `main, release/*` → ['main', 'release/*']. */
export function parseList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** Commander's collector for options given more than once. */
export function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

export interface EnvironmentFlags {
  approvals?: number;
  approverRole?: string[][];
  branches?: string;
  wait?: number;
  freeze?: Record<string, unknown>[];
  autoApproveMaxRisk?: number;
}

/** The protection rules the flags of `slipway env set` describe; a rule without its flag is off. */
export function buildProtectionRules(flags: EnvironmentFlags): Record<string, unknown> {
  const roles = flags.approverRole?.flat();
  if (roles !== undefined && flags.approvals === undefined) {
    throw new InvalidArgumentError('--approver-role needs --approvals N: how many approvals of those roles are required');
  }
  return {
    ...(flags.approvals === undefined ? {} : { requiredApprovals: { count: flags.approvals, ...(roles === undefined ? {} : { roles }) } }),
    ...(flags.branches === undefined ? {} : { branches: parseList(flags.branches) }),
    ...(flags.wait === undefined ? {} : { waitTimerSeconds: flags.wait }),
    ...(flags.freeze === undefined ? {} : { freezeWindows: flags.freeze }),
    ...(flags.autoApproveMaxRisk === undefined ? {} : { autoApprove: { maxRisk: flags.autoApproveMaxRisk } }),
  };
}
