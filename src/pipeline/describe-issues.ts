/**
 * zod issues -> findings with messages that say what was wrong and what to do. Schema-level messages
 * are kept (they are written as predicates, "must be ..."); zod's generic ones are replaced, which is
 * why the parse passes DEFAULT_MESSAGE as its error map: it marks exactly the messages to rewrite.
 */
import type { z } from 'zod';
import { describeValue, type Finding, labelPath, type PathSegment } from './finding.js';
import { suggestClosest } from './suggest-closest.js';

export const DEFAULT_MESSAGE = '\u0000default';

/** Keys other CI systems use for ours; tried before edit distance. */
const KEY_ALIASES: Record<string, string> = {
  'depends-on': 'needs',
  depends_on: 'needs',
  dependencies: 'needs',
  after: 'needs',
  script: 'run',
  command: 'run',
  cmd: 'run',
  jobs: 'stages',
  variables: 'env',
  vars: 'env',
  'timeout-minutes': 'timeout',
  on: 'trigger',
  when: 'if',
  action: 'uses',
};

const MISSING_KEY_HINTS: Record<string, string> = {
  stages: 'add `stages:` with at least one stage',
  steps: 'add `steps:` with at least one `run:` or `uses:` step',
  paths: 'add `paths: [<path>]`',
  key: 'add `key: <cache-key>`',
};

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

export function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): Finding[] {
  return issues.flatMap((issue) => describeIssue(issue, schema));
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): Finding[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  const matched = issue.code === 'invalid_union' ? matchedBranch(issue.errors) : undefined;
  // The value has the shape of exactly one option (a mapping where a list or mapping is allowed):
  // that option's own problems say more than "must be a list or a mapping".
  if (matched) return matched.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] }, schema));
  if (issue.code === 'unrecognized_keys') {
    const allowed = findObjectKeys(schema, path);
    return issue.keys.map((key) => ({ path: [...path, key], at: 'key', message: describeUnknownKey(key, allowed) }));
  }
  const label = labelPath(path) || 'the pipeline';
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    const key = String(path.at(-1) ?? '');
    const hint = MISSING_KEY_HINTS[key] ?? (key === 'name' ? describeMissingName(path) : 'add it');
    return [{ path, at: 'value', message: `missing required key '${key}' — ${hint}` }];
  }
  // "got a list" explains a type error; after "must not be empty" it only repeats the problem.
  const typeError = issue.code === 'invalid_type' || issue.code === 'invalid_union';
  const got = typeError || typeof issue.input !== 'object' ? `, got ${describeValue(issue.input)}` : '';
  if (issue.message !== DEFAULT_MESSAGE) return [{ path, at: 'value', message: `'${label}' ${issue.message}${got}` }];
  return [{ path, at: 'value', message: `'${label}' must be ${describeExpected(issue)}${got}` }];
}

/** The errors of the one union option whose type the value has, if exactly one has it. */
function matchedBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const typed = branches.filter((errors) => !errors.some((error) => error.code === 'invalid_type' && error.path.length === 0));
  return typed.length === 1 && typed[0]!.length > 0 ? typed[0] : undefined;
}

function describeMissingName(path: PathSegment[]): string {
  return path.length === 1 ? 'add `name: <title>` at the top of the file' : 'add `name: <stage-name>`';
}

function describeExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return EXPECTED[issue.expected] ?? issue.expected;
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((value) => String(value)).join(', ')}`;
  if (issue.code === 'invalid_union') {
    const options = issue.errors.map((errors) => {
      const first = errors[0];
      return first?.code === 'invalid_type' ? (EXPECTED[first.expected] ?? first.expected) : 'valid';
    });
    return [...new Set(options)].join(' or ');
  }
  return `valid (${issue.message === DEFAULT_MESSAGE ? issue.code : issue.message})`;
}

function describeUnknownKey(key: string, allowed: string[]): string {
  const alias = Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key] : undefined;
  const suggestion = alias !== undefined && allowed.includes(alias) ? alias : suggestClosest(key, allowed);
  const shown = key.length > 40 ? `${key.slice(0, 37)}...` : key;
  if (suggestion !== undefined) return `unknown key '${shown}' — did you mean '${suggestion}'?`;
  if (allowed.length === 0) return `unknown key '${shown}' — remove it`;
  return `unknown key '${shown}' — remove it or use one of: ${allowed.join(', ')}`;
}

interface LooseDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
}

/** Keys of the object schema(s) reached by `path`, through optionals and unions. */
export function findObjectKeys(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const keys = new Set<string>();
  const visit = (node: z.ZodType | undefined, depth: number): void => {
    if (node === undefined) return;
    const def = node.def as unknown as LooseDef;
    const segment = path[depth];
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
        visit(def.innerType, depth);
        return;
      case 'pipe':
        visit(def.in, depth);
        return;
      case 'union':
        for (const option of def.options ?? []) visit(option, depth);
        return;
      case 'object':
        if (depth === path.length) for (const key of Object.keys(def.shape ?? {})) keys.add(key);
        else if (typeof segment === 'string') {
          visit(def.shape && Object.hasOwn(def.shape, segment) ? def.shape[segment] : def.catchall, depth + 1);
        }
        return;
      case 'array':
        if (typeof segment === 'number') visit(def.element, depth + 1);
        return;
      case 'record':
        if (typeof segment === 'string') visit(def.valueType, depth + 1);
        return;
    }
  };
  visit(schema, 0);
  return [...keys];
}
