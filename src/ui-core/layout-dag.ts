export interface LayoutOptions {
  /** Layers run left to right (`horizontal`, wide screens) or top to bottom (`vertical`, phones). */
  direction: 'horizontal' | 'vertical';
  nodeWidthPx: number;
  nodeHeightPx: number;
  /** Space between layers (along the direction) and between nodes of one layer, in px. */
  layerGapPx: number;
  nodeGapPx: number;
}

export interface DagNode {
  key: string;
  layer: number;
  /** Position within the layer, from 0. */
  order: number;
  x: number;
  y: number;
}

export interface DagEdge {
  from: string;
  to: string;
  /** An SVG path (a cubic curve from the side of `from` to the facing side of `to`). */
  path: string;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: DagEdge[];
  widthPx: number;
  heightPx: number;
}

/**
 * Lays jobs out in layers: a job sits one layer past the furthest job it needs (longest path), and
 * within a layer jobs are ordered by the mean position of what they need (barycentre), which keeps
 * most edges from crossing in pipeline-sized graphs. Needs that name no job are ignored; a cycle
 * (which a valid plan never has) is broken by placing the jobs on it in layer 0.
 */
export function layoutDag(jobs: readonly { key: string; needs: readonly string[] }[], options: LayoutOptions): DagLayout {
  const keys = new Set(jobs.map((job) => job.key));
  const needs = new Map(jobs.map((job) => [job.key, job.needs.filter((need) => keys.has(need) && need !== job.key)]));
  const layerOf = new Map<string, number>();
  const visiting = new Set<string>();
  const layer = (key: string): number => {
    const known = layerOf.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) return -1;
    visiting.add(key);
    const value = Math.max(-1, ...(needs.get(key) ?? []).map(layer)) + 1;
    visiting.delete(key);
    layerOf.set(key, value);
    return value;
  };
  for (const job of jobs) layer(job.key);

  const layers: string[][] = [];
  for (const job of jobs) {
    const index = layerOf.get(job.key)!;
    const members = layers[index];
    if (members) members.push(job.key);
    else layers[index] = [job.key];
  }
  const orderOf = new Map<string, number>();
  layers.forEach((members, index) => {
    if (index > 0) {
      const centre = (key: string) => {
        const parents = needs.get(key) ?? [];
        return parents.length === 0 ? Number.POSITIVE_INFINITY : parents.reduce((sum, p) => sum + (orderOf.get(p) ?? 0), 0) / parents.length;
      };
      // Stable sort: jobs with equal centres keep plan order.
      members.sort((a, b) => centre(a) - centre(b));
    }
    members.forEach((key, order) => {
      orderOf.set(key, order);
    });
  });

  const horizontal = options.direction === 'horizontal';
  const along = (horizontal ? options.nodeWidthPx : options.nodeHeightPx) + options.layerGapPx;
  const across = (horizontal ? options.nodeHeightPx : options.nodeWidthPx) + options.nodeGapPx;
  const widest = Math.max(0, ...layers.map((members) => members.length));
  const nodes: DagNode[] = [];
  layers.forEach((members, index) => {
    // Shorter layers are centred against the widest one.
    const offset = ((widest - members.length) * across) / 2;
    members.forEach((key, order) => {
      const a = index * along;
      const b = offset + order * across;
      nodes.push({ key, layer: index, order, x: horizontal ? a : b, y: horizontal ? b : a });
    });
  });
  const byKey = new Map(nodes.map((node) => [node.key, node]));
  const edges: DagEdge[] = [];
  for (const job of jobs) {
    for (const need of needs.get(job.key) ?? []) {
      const from = byKey.get(need)!;
      const to = byKey.get(job.key)!;
      if (from.layer >= to.layer) continue;
      edges.push({ from: need, to: job.key, path: edgePath(from, to, options) });
    }
  }
  const layerCount = layers.length;
  const alongTotal = layerCount === 0 ? 0 : layerCount * along - options.layerGapPx;
  const acrossTotal = widest === 0 ? 0 : widest * across - options.nodeGapPx;
  return { nodes, edges, widthPx: horizontal ? alongTotal : acrossTotal, heightPx: horizontal ? acrossTotal : alongTotal };
}

function edgePath(from: DagNode, to: DagNode, options: LayoutOptions): string {
  const w = options.nodeWidthPx;
  const h = options.nodeHeightPx;
  if (options.direction === 'horizontal') {
    const [x1, y1, x2, y2] = [from.x + w, from.y + h / 2, to.x, to.y + h / 2];
    const bend = (x2 - x1) / 2;
    return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
  }
  const [x1, y1, x2, y2] = [from.x + w / 2, from.y + h, to.x + w / 2, to.y];
  const bend = (y2 - y1) / 2;
  return `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
}
