/**
 * Cycles in a dependency graph given as `needs[i]` = nodes i waits for. Iterative (Kahn, then a walk
 * over what is left) so a 30,000-stage chain cannot overflow the stack. Every node left after Kahn
 * still waits for another left node, so walking first-needs from any of them must close a cycle.
 * Returns disjoint cycles, each rotated to start at its lowest index; nodes that merely wait on a
 * cycle are not reported.
 */
export function findCycles(needs: readonly (readonly number[])[]): number[][] {
  const waiting = needs.map((list) => list.length);
  const dependents: number[][] = needs.map(() => []);
  needs.forEach((list, node) => {
    for (const needed of list) dependents[needed]!.push(node);
  });
  const ready = waiting.flatMap((count, node) => (count === 0 ? [node] : []));
  while (ready.length > 0) {
    for (const dependent of dependents[ready.pop()!]!) {
      if (--waiting[dependent]! === 0) ready.push(dependent);
    }
  }

  const cycles: number[][] = [];
  const visited = new Set<number>();
  for (let start = 0; start < needs.length; start++) {
    if (waiting[start] === 0 || visited.has(start)) continue;
    const walk: number[] = [];
    const positionInWalk = new Map<number, number>();
    let node = start;
    while (!visited.has(node) && !positionInWalk.has(node)) {
      positionInWalk.set(node, walk.length);
      walk.push(node);
      node = needs[node]!.find((needed) => waiting[needed]! > 0)!;
    }
    const closedAt = positionInWalk.get(node);
    if (closedAt !== undefined) cycles.push(rotateToLowest(walk.slice(closedAt)));
    for (const walked of walk) visited.add(walked);
  }
  return cycles;
}

function rotateToLowest(cycle: number[]): number[] {
  const lowest = cycle.reduce((best, node, i) => (node < cycle[best]! ? i : best), 0);
  return [...cycle.slice(lowest), ...cycle.slice(0, lowest)];
}
