// Beam search's tree as SVG: a column per depth (the root <s>, then each decoder step), a node per hypothesis
// the beam looked at with its token, an edge to its parent; pruned branches faded, finished ones (</s>) and
// the final hypotheses ringed, the path of the hypothesis in view drawn bold. The pointer on a node reads its
// cumulative log-probability and score. Colours come from the stylesheet (classes), as the CSP wants.
import { formatNumber, tokenLabel } from '../../src/shared/format';
import type { BeamNode } from '../../src/shared/translation';
import type { LaidNode, TreeLayout } from '../model/decodingTrace';
import { h } from './dom';

const SVG = 'http://www.w3.org/2000/svg';
/** Row spacing, a node's height, the room between columns and around the drawing, in CSS pixels. */
const ROW = 26;
const NODE_H = 20;
const GAP = 28;
const PAD = 12;
/** A node's width: its label at about 7 px a character, at least a circle's. */
const nodeWidth = (label: string): number => Math.max(NODE_H, 7 * [...label].length + 10);
/** Word-level tokens can be long: a node shows at most this many characters (the readout has all). */
const MAX_LABEL = 12;

function labelOf(n: BeamNode): string {
  const t = n.parent < 0 ? '<s>' : tokenLabel(n.token);
  return [...t].length > MAX_LABEL ? `${[...t].slice(0, MAX_LABEL - 1).join('')}…` : t;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** What the pointer on a node reads. */
export function nodeText(n: BeamNode): string {
  if (n.parent < 0) return 'the root: <s>, nothing emitted yet';
  const how = n.status === 'kept' ? 'kept in the beam' : n.status === 'finished' ? 'finished with </s>' : 'pruned';
  // decoder step d − 1 emits the token at depth d: the same step number as the candidates table's column
  return `step ${n.depth - 1} “${tokenLabel(n.token)}” (rank ${n.rank + 1}, log p ${formatNumber(n.tokenLogProb, 4)}): cumulative log p ${formatNumber(n.logProb, 4)}, score ${formatNumber(n.score, 4)}, ${how}`;
}

export class BeamTreeView {
  readonly el: HTMLElement;
  readonly readout = h('p', { id: 's2s-tree-readout', class: 'att-readout', role: 'status', 'aria-live': 'polite' });
  private readonly frame = h('div', { class: 's2s-tree-scroll' });

  constructor() {
    this.el = h('div', { class: 's2s-tree-wrap' }, this.readout, this.frame);
  }

  show(layout: TreeLayout | undefined): void {
    this.el.hidden = !layout;
    if (!layout) {
      this.frame.replaceChildren();
      return;
    }
    this.readout.textContent = 'Point at a node for its cumulative log-probability and score.';
    // columns as wide as their widest node, centres spaced by half of each and the gap
    const labels = new Map(layout.nodes.map((n) => [n.node.id, labelOf(n.node)]));
    const colWidth = Array.from({ length: layout.cols }, () => NODE_H);
    for (const n of layout.nodes) colWidth[n.col] = Math.max(colWidth[n.col], nodeWidth(labels.get(n.node.id)!));
    const centre: number[] = [];
    colWidth.forEach((w, c) => centre.push(c === 0 ? PAD + w / 2 : centre[c - 1] + colWidth[c - 1] / 2 + GAP + w / 2));
    const x = (n: LaidNode) => centre[n.col], y = (n: LaidNode) => PAD + NODE_H / 2 + n.row * ROW;
    const half = (n: LaidNode) => nodeWidth(labels.get(n.node.id)!) / 2;
    const at = new Map(layout.nodes.map((n) => [n.node.id, n]));
    const edges = layout.nodes.filter((n) => n.node.parent >= 0).map((n) => {
      const p = at.get(n.node.parent)!;
      return svg('line', { class: `bt-edge ${n.node.status}${n.onPath ? ' on-path' : ''}`, x1: x(p) + half(p), y1: y(p), x2: x(n) - half(n), y2: y(n) });
    });
    const nodes = layout.nodes.map((n) => {
      const cls = `bt-node ${n.node.status}${n.onPath ? ' on-path' : ''}${n.finalRank !== undefined ? ' final' : ''}`;
      const g = svg('g', { class: cls, 'data-id': n.node.id, 'data-depth': n.node.depth, tabindex: 0, ...(n.finalRank !== undefined && { 'data-final': n.finalRank }) },
        svg('title', {}, nodeText(n.node)),
        svg('rect', { x: x(n) - half(n), y: y(n) - NODE_H / 2, width: 2 * half(n), height: NODE_H, rx: NODE_H / 2 }),
        svg('text', { x: x(n), y: y(n), 'text-anchor': 'middle', 'dominant-baseline': 'central' }, labels.get(n.node.id)!));
      const read = () => (this.readout.textContent = nodeText(n.node));
      g.addEventListener('mouseenter', read);
      g.addEventListener('focus', read);
      return g;
    });
    const width = Math.ceil(centre[layout.cols - 1] + colWidth[layout.cols - 1] / 2 + PAD), height = 2 * PAD + NODE_H + (layout.rows - 1) * ROW;
    this.frame.replaceChildren(svg('svg', { id: 's2s-tree', class: 's2s-tree', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Beam search tree' }, ...edges, ...nodes));
  }
}
