/**
 * Checks across stages on the raw data (so they run even when other parts of the file are invalid,
 * and every problem is reported in one pass): unique names, `needs` that exist, no cycles.
 * Anything of the wrong type is skipped here; the schema reports it.
 */
import { type Finding, isRecord, type PathSegment } from './finding.js';
import { findCycles } from './find-cycles.js';
import { suggestClosest } from './suggest-closest.js';

interface NeedsEntry {
  name: string;
  path: PathSegment[];
}

export function checkStages(stages: unknown): Finding[] {
  if (!Array.isArray(stages)) return [];
  const findings: Finding[] = [];
  const names: (string | undefined)[] = stages.map((stage) =>
    isRecord(stage) && typeof stage.name === 'string' ? stage.name : undefined,
  );
  const indexByName = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === undefined) return;
    const first = indexByName.get(name);
    if (first === undefined) indexByName.set(name, i);
    else {
      const message = `duplicate stage name '${name}' (also stages[${first}]) — stage names must be unique; rename this one`;
      findings.push({ path: ['stages', i, 'name'], at: 'value', message });
    }
  });

  const needs: number[][] = stages.map(() => []);
  const needsPaths = new Map<string, PathSegment[]>();
  stages.forEach((stage, i) => {
    if (!isRecord(stage)) return;
    const name = names[i];
    for (const entry of listNeeds(stage.needs, ['stages', i, 'needs'])) {
      if (entry.name === name) {
        const message = `stage '${name}' needs itself — remove '${name}' from its needs`;
        findings.push({ path: entry.path, at: 'value', message });
        continue;
      }
      const needed = indexByName.get(entry.name);
      if (needed === undefined) {
        findings.push({ path: entry.path, at: 'value', message: describeUnknownNeed(entry.name, indexByName) });
        continue;
      }
      // A duplicate-named stage stays out of the graph: which one a need means is ambiguous.
      if (name === undefined || indexByName.get(name) !== i || needs[i]!.includes(needed)) continue;
      needs[i]!.push(needed);
      needsPaths.set(`${i}>${needed}`, entry.path);
    }
  });

  for (const cycle of findCycles(needs)) {
    const route = [...cycle, cycle[0]!].map((i) => names[i]).join(' → ');
    const message = `needs cycle: ${route} — stages cannot wait for each other; remove one of these needs`;
    findings.push({ path: needsPaths.get(`${cycle[0]}>${cycle[1] ?? cycle[0]}`)!, at: 'value', message });
  }
  return findings;
}

function listNeeds(value: unknown, path: PathSegment[]): NeedsEntry[] {
  if (typeof value === 'string') return [{ name: value, path }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((name, j) => (typeof name === 'string' ? [{ name, path: [...path, j] }] : []));
}

function describeUnknownNeed(name: string, indexByName: Map<string, number>): string {
  const suggestion = suggestClosest(name, indexByName.keys());
  if (suggestion !== undefined) return `unknown stage '${name}' in needs — did you mean '${suggestion}'?`;
  const known = [...indexByName.keys()];
  const shown = known.length > 10 ? `${known.slice(0, 10).join(', ')}, ...` : known.join(', ');
  return `unknown stage '${name}' in needs — needs lists stage names: ${shown}`;
}
