import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { Diagnostic } from './model.js';
import { type Finding, formatPath, type PathSegment } from './finding.js';

export interface Position {
  line: number;
  col: number;
}

/**
 * Finds where a data path sits in the source. Missing keys resolve to the nearest existing parent;
 * a path through an alias stops at the alias (the anchor may be far away and shared). Duplicate
 * keys resolve to the last one, matching what `toJS` keeps.
 */
export function createLocator(doc: Document, lineCounter: LineCounter) {
  const positionOf = (offset: number | undefined): Position => {
    if (offset === undefined) return { line: 1, col: 1 };
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(1, line), col: Math.max(1, col) };
  };

  const locate = (path: readonly PathSegment[], at: Finding['at']): Position => {
    let node: unknown = doc.contents;
    let found: unknown = node;
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) break;
      const segment = path[i]!;
      if (isMap(node)) {
        const pair = node.items.findLast((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        // An empty value (`stages:`) has a zero-width range after the colon; its key reads better.
        const value = pair.value;
        const empty = value === null || (isScalar(value) && value.range?.[0] === value.range?.[1]);
        if (empty || (at === 'key' && i === path.length - 1)) {
          found = pair.key;
          break;
        }
        node = value;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
      } else {
        break;
      }
      found = node;
    }
    return positionOf((found as Node | null)?.range?.[0]);
  };

  return {
    locate,
    toDiagnostic(file: string, finding: Finding): Diagnostic {
      const { line, col } = locate(finding.path, finding.at);
      return { file, line, col, path: formatPath(finding.path), message: finding.message };
    },
  };
}
