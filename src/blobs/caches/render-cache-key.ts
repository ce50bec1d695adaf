import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { MatrixValue } from '../../pipeline/model.js';
import { checkCacheKey } from './cache-entry.js';

export interface CacheKeyContext {
  /** Digest of the workspace files the globs select; '' when none (createHashFiles). */
  hashFiles: (globs: string[]) => Promise<string>;
  env: Readonly<Record<string, string>>;
  matrix?: Readonly<Record<string, MatrixValue>>;
  /** `runner.os`; default the OS of this process, named as GitHub does (Linux, macOS, Windows). */
  runnerOs?: string;
}

const expressionPattern = /\$\{\{(.*?)\}\}/gs;
const hashFilesPattern = /^hashFiles\((.*)\)$/s;
const referencePattern = /^(runner|matrix|env)\.([A-Za-z_][A-Za-z0-9_-]*)$/;
const supported = "hashFiles('glob', ...), runner.os, matrix.<name>, env.<name>";

/**
 * Renders a cache key template: `npm-${{ runner.os }}-${{ hashFiles('package-lock.json') }}`. A reference
 * to an unset env variable or matrix value is an error rather than '' — a key that silently loses a
 * part would be shared by caches that should differ.
 */
export async function renderCacheKey(template: string, context: CacheKeyContext): Promise<string> {
  const fail = (why: string): never => {
    throw new AppError(ErrorCode.invalidArgument, `cache key ${JSON.stringify(template)}: ${why}`);
  };
  let out = '';
  let last = 0;
  for (const match of template.matchAll(expressionPattern)) {
    out += template.slice(last, match.index);
    last = match.index + match[0].length;
    const expression = match[1]!.trim();
    const call = hashFilesPattern.exec(expression);
    if (call) {
      const globs = parseStringArguments(call[1]!) ?? fail(`hashFiles takes quoted globs, as in hashFiles('**/package-lock.json'), not ${call[1]}`);
      if (globs.length === 0) fail('hashFiles needs at least one glob');
      out += await context.hashFiles(globs);
      continue;
    }
    const reference = referencePattern.exec(expression);
    const [scope, name] = reference ? [reference[1]!, reference[2]!] : [undefined, undefined];
    if (scope === 'runner' && name === 'os') {
      out += context.runnerOs ?? describeRunnerOs(process.platform);
    } else if (scope === 'matrix' && name) {
      const value = context.matrix && Object.hasOwn(context.matrix, name) ? context.matrix[name] : undefined;
      out += value === undefined ? fail(`matrix.${name} is not a matrix value of this job`) : String(value);
    } else if (scope === 'env' && name) {
      const value = Object.hasOwn(context.env, name) ? context.env[name] : undefined;
      out += value === undefined ? fail(`env.${name} is not set`) : value;
    } else {
      fail(`unsupported expression \${{ ${expression} }} — a cache key may use ${supported}`);
    }
  }
  const rest = template.slice(last);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the user-facing expression syntax, not a template
  if (rest.includes('${{')) fail("an expression opened with '${{' is not closed with '}}'");
  return checkCacheKey((out + rest).trim());
}

/** `'a', 'b''s'` → ['a', "b's"]; undefined when it is not a list of single-quoted strings. */
function parseStringArguments(text: string): string[] | undefined {
  const args: string[] = [];
  const pattern = /\s*'((?:[^']|'')*)'\s*(,|$)/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) return undefined;
    args.push(match[1]!.replace(/''/g, "'"));
    at = pattern.lastIndex;
    if (match[2] === '' ) break;
  }
  return at === text.length || text.trim() === '' ? args : undefined;
}

export function describeRunnerOs(platform: NodeJS.Platform): string {
  if (platform === 'linux') return 'Linux';
  if (platform === 'darwin') return 'macOS';
  if (platform === 'win32') return 'Windows';
  return platform;
}
