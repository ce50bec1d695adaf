import picomatch from 'picomatch';
import type { TriggerSpec } from '../pipeline/index.js';
import type { TriggerEvent } from './trigger-event.js';

/** A pipeline's trigger as far as events go; `tags` is read when the pipeline model grows one. */
export type TriggerFilter = Pick<TriggerSpec, 'branches' | 'paths'> & { tags?: readonly string[] };

export interface TriggerMatch {
  match: boolean;
  /** Why, naming the filter and the value it was applied to: shown with the delivery. */
  reason: string;
}

/**
 * Whether an event runs a pipeline with this trigger. Globs are picomatch's (`*` stops at `/`, `**`
 * does not; dotfiles match); a pattern starting with `!` excludes, and the last pattern that matches
 * decides, as in GitHub Actions (a list of only exclusions includes everything else). Branch pushes are filtered by trigger.branches (empty = every
 * branch), pull requests by their base branch, tags by trigger.tags — a trigger that filters
 * branches but not tags does not run for tags. Paths filter only when the changed paths are known.
 */
export function matchesTrigger(trigger: TriggerFilter, event: TriggerEvent): TriggerMatch {
  const ref = matchRef(trigger, event);
  if (!ref.match) return ref;
  const paths = matchPaths(trigger.paths, event.changedPaths);
  return { match: paths.match, reason: `${ref.reason}; ${paths.reason}` };
}

function matchRef(trigger: TriggerFilter, event: TriggerEvent): TriggerMatch {
  if (event.pullRequest !== undefined) {
    return matchName(`base branch ${event.pullRequest.baseBranch}`, event.pullRequest.baseBranch, 'branches', trigger.branches);
  }
  if (event.branch !== undefined) return matchName(`branch ${event.branch}`, event.branch, 'branches', trigger.branches);
  if (event.tag !== undefined) {
    const tags = trigger.tags ?? [];
    if (tags.length > 0) return matchName(`tag ${event.tag}`, event.tag, 'tags', tags);
    if (trigger.branches.length === 0) return { match: true, reason: `tag ${event.tag}: the trigger filters no refs` };
    return { match: false, reason: `tag ${event.tag}: trigger.branches filters branches only, and there is no trigger.tags` };
  }
  return { match: false, reason: `${event.ref} is neither a branch nor a tag` };
}

function matchName(label: string, name: string, filter: string, patterns: readonly string[]): TriggerMatch {
  if (patterns.length === 0) return { match: true, reason: `${label}: trigger.${filter} is empty, so every one runs` };
  const verdict = decide(patterns, name);
  if (verdict.pattern === undefined) {
    return verdict.included
      ? { match: true, reason: `${label} is not excluded by trigger.${filter} ${formatList(patterns)}` }
      : { match: false, reason: `${label} matches none of trigger.${filter} ${formatList(patterns)}` };
  }
  return verdict.included
    ? { match: true, reason: `${label} matches trigger.${filter} '${verdict.pattern}'` }
    : { match: false, reason: `${label} is excluded by trigger.${filter} '${verdict.pattern}'` };
}

/** How many changed paths a reason names before "and N more". */
const shownPaths = 3;

function matchPaths(patterns: readonly string[], changedPaths: readonly string[] | undefined): TriggerMatch {
  if (patterns.length === 0) return { match: true, reason: 'trigger.paths is empty, so any change runs' };
  if (changedPaths === undefined) {
    return { match: true, reason: 'the changed paths are unknown, so trigger.paths was not applied' };
  }
  for (const path of changedPaths) {
    const verdict = decide(patterns, path);
    if (verdict.included) {
      const how = verdict.pattern === undefined ? 'is not excluded by trigger.paths' : `matches trigger.paths '${verdict.pattern}'`;
      return { match: true, reason: `${path} ${how}` };
    }
  }
  if (changedPaths.length === 0) return { match: false, reason: `no files changed, so none match trigger.paths ${formatList(patterns)}` };
  const listed = changedPaths.slice(0, shownPaths).join(', ');
  const more = changedPaths.length > shownPaths ? ` and ${changedPaths.length - shownPaths} more` : '';
  return {
    match: false,
    reason: `none of the ${changedPaths.length} changed paths (${listed}${more}) match trigger.paths ${formatList(patterns)}`,
  };
}

interface Verdict {
  included: boolean;
  /** The last pattern that matched, which decided; undefined when none did. */
  pattern?: string;
}

/** Only negations = "everything but"; otherwise a value nothing matches is not included. */
function decide(patterns: readonly string[], value: string): Verdict {
  let verdict: Verdict = { included: patterns.every((pattern) => pattern.startsWith('!')) };
  for (const pattern of patterns) {
    if (compile(pattern)(value)) verdict = { included: !pattern.startsWith('!'), pattern };
  }
  return verdict;
}

const matchers = new Map<string, (value: string) => boolean>();
const maxCachedMatchers = 1000;

function compile(pattern: string): (value: string) => boolean {
  let matcher = matchers.get(pattern);
  if (matcher === undefined) {
    const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
    matcher = picomatch(body, { dot: true });
    if (matchers.size >= maxCachedMatchers) matchers.clear();
    matchers.set(pattern, matcher);
  }
  return matcher;
}

function formatList(patterns: readonly string[]): string {
  return `[${patterns.join(', ')}]`;
}
