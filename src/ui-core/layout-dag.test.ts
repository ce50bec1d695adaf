import { describe, expect, it } from 'vitest';
import { type LayoutOptions, layoutDag } from './layout-dag.js';

const options: LayoutOptions = { direction: 'horizontal', nodeWidthPx: 100, nodeHeightPx: 40, layerGapPx: 50, nodeGapPx: 10 };

describe('layoutDag', () => {
  it('puts each job one layer past the furthest job it needs', () => {
    const layout = layoutDag(
      [
        { key: 'build', needs: [] },
        { key: 'lint', needs: [] },
        { key: 'test', needs: ['build'] },
        { key: 'deploy', needs: ['test', 'lint', 'build'] },
      ],
      options,
    );
    const layers = Object.fromEntries(layout.nodes.map((node) => [node.key, node.layer]));
    expect(layers).toEqual({ build: 0, lint: 0, test: 1, deploy: 2 });
    expect(layout.edges.map((edge) => `${edge.from}>${edge.to}`).sort()).toEqual(['build>deploy', 'build>test', 'lint>deploy', 'test>deploy']);
    expect(layout.widthPx).toBe(3 * 150 - 50);
    expect(layout.heightPx).toBe(2 * 50 - 10);
  });

  it('orders a layer by the position of what each job needs, so edges do not cross', () => {
    const layout = layoutDag(
      [
        { key: 'a', needs: [] },
        { key: 'b', needs: [] },
        { key: 'after-b', needs: ['b'] },
        { key: 'after-a', needs: ['a'] },
      ],
      options,
    );
    const order = Object.fromEntries(layout.nodes.map((node) => [node.key, node.order]));
    expect(order['after-a']).toBe(0);
    expect(order['after-b']).toBe(1);
  });

  it('centres a short layer and draws edges between facing sides', () => {
    const layout = layoutDag(
      [
        { key: 'a', needs: [] },
        { key: 'b', needs: [] },
        { key: 'c', needs: ['a', 'b'] },
      ],
      options,
    );
    const c = layout.nodes.find((node) => node.key === 'c')!;
    expect(c).toMatchObject({ x: 150, y: 25 });
    expect(layout.edges.find((edge) => edge.from === 'a')!.path).toBe('M100,20 C125,20 125,45 150,45');
  });

  it('stacks layers top to bottom in the vertical direction', () => {
    const layout = layoutDag(
      [
        { key: 'a', needs: [] },
        { key: 'b', needs: ['a'] },
      ],
      { ...options, direction: 'vertical' },
    );
    expect(layout.nodes.map((node) => [node.key, node.x, node.y])).toEqual([
      ['a', 0, 0],
      ['b', 0, 90],
    ]);
    expect(layout.edges[0]!.path).toBe('M50,40 C50,65 50,65 50,90');
    expect([layout.widthPx, layout.heightPx]).toEqual([100, 130]);
  });

  it('ignores unknown needs and survives a cycle', () => {
    const layout = layoutDag(
      [
        { key: 'x', needs: ['y', 'ghost'] },
        { key: 'y', needs: ['x'] },
      ],
      options,
    );
    expect(layout.nodes).toHaveLength(2);
    expect(new Set(layout.nodes.map((node) => node.key))).toEqual(new Set(['x', 'y']));
  });

  it('lays out nothing as an empty drawing', () => {
    expect(layoutDag([], options)).toEqual({ nodes: [], edges: [], widthPx: 0, heightPx: 0 });
  });
});
