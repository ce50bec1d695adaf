/**
 * A topological order of stages (each after everything it needs) that depends only on the file:
 * depth-first in file order, emitting a stage after its needs in the order they are listed. A file
 * already written in dependency order keeps its order. Iterative, so long chains cannot overflow
 * the stack; edges back into a cycle are skipped (validated pipelines have none).
 */
export function orderStages(needs: readonly (readonly number[])[]): number[] {
  const order: number[] = [];
  const entered = new Uint8Array(needs.length);
  for (let root = 0; root < needs.length; root++) {
    if (entered[root]) continue;
    entered[root] = 1;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const needed = needs[top.node]![top.next++];
      if (needed === undefined) {
        stack.pop();
        order.push(top.node);
      } else if (!entered[needed]) {
        entered[needed] = 1;
        stack.push({ node: needed, next: 0 });
      }
    }
  }
  return order;
}
