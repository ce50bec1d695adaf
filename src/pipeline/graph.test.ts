import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findCycles } from './find-cycles.js';
import { orderStages } from './order-stages.js';

describe('findCycles', () => {
  test('an acyclic graph has none', () => {
    expect(findCycles([[], [0], [0, 1]])).toEqual([]);
  });

  test('reports each cycle once, from its lowest node, and not the nodes that merely wait on it', () => {
    // 0 -> 2 -> 1 -> 0 is a cycle; 3 waits on it; 4 <-> 5 is another.
    expect(findCycles([[2], [0], [1], [1], [5], [4]])).toEqual([
      [0, 2, 1],
      [4, 5],
    ]);
  });

  test('a 50,000-stage chain closing on itself does not overflow the stack', () => {
    const n = 50_000;
    const needs = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    expect(findCycles(needs)[0]).toHaveLength(n);
  });
});

describe('orderStages', () => {
  test('puts needs first and otherwise keeps file order', () => {
    // deploy(0) needs test(1), test needs build(2), lint(3) needs nothing.
    expect(orderStages([[1], [2], [], []])).toEqual([2, 1, 0, 3]);
    expect(orderStages([[], [0], [0], [1, 2]])).toEqual([0, 1, 2, 3]);
  });

  test('every stage comes after all it needs, for any acyclic graph', () => {
    const dag = fc
      .integer({ min: 1, max: 40 })
      .chain((n) =>
        fc.tuple(
          fc.tuple(...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i }))),
          fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
        ),
      )
      .map(([needs, permutation]) => {
        // Relabel through a permutation so the file order is not already topological.
        const label = (i: number) => permutation[i]!;
        const relabeled: number[][] = Array.from({ length: needs.length }, () => []);
        needs.forEach((list, i) => {
          relabeled[label(i)] = list.filter((k) => k < i).map(label);
        });
        return relabeled;
      });
    fc.assert(
      fc.property(dag, (needs) => {
        const order = orderStages(needs);
        expect([...order].sort((a, b) => a - b)).toEqual(needs.map((_, i) => i));
        const position = new Map(order.map((node, i) => [node, i]));
        needs.forEach((list, node) => {
          for (const needed of list) expect(position.get(needed)!).toBeLessThan(position.get(node)!);
        });
      }),
    );
  });

  test('a 50,000-stage chain does not overflow the stack', () => {
    const n = 50_000;
    const order = orderStages(Array.from({ length: n }, (_, i) => (i === n - 1 ? [] : [i + 1])));
    expect(order[0]).toBe(n - 1);
    expect(order.at(-1)).toBe(0);
  });
});
