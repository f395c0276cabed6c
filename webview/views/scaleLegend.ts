// The colour legend beside a heatmap: what the scale is (caption), the scale's colours as an upright bar
// (high end on top) with numeric ticks at their places, and a note when values lie beyond its range. Its
// element carries the scale (data-kind, data-lo, data-hi), which the tests read to check heatmap pixels.
import { type ColorScale, scalePosition, scaleTable } from '../model/colorScales';
import { legendTicks } from '../model/heatmapScales';
import { h } from './dom';
import { richLabel } from './richLabel';

export class ScaleLegend {
  readonly el: HTMLElement;
  private readonly caption = h('div', { class: 'scale-caption' });
  private readonly bar = h('canvas', { class: 'scale-bar', width: 1, height: 256, 'aria-hidden': 'true' });
  private readonly ticks = h('div', { class: 'scale-ticks' });
  private readonly clip = h('div', { class: 'scale-clip', role: 'note', hidden: true });
  private kind: ColorScale['kind'] | undefined;
  private captionText = '';

  constructor(id: string) {
    this.el = h('div', { id, class: 'scale-legend', role: 'group', 'aria-label': 'Colour scale' },
      this.caption, h('div', { class: 'scale-body' }, this.bar, this.ticks), this.clip);
  }

  /** Show `scale`; `barHeight` (CSS pixels) matches the bar to its heatmap's rows. */
  update(scale: ColorScale, caption: string, clipNote: string | undefined, barHeight: number): void {
    if (this.kind !== scale.kind) this.paintBar(scale);
    const height = `${Math.round(Math.max(100, Math.min(200, barHeight)))}px`;
    for (const el of [this.bar, this.ticks]) el.style.setProperty('height', height);
    this.el.dataset.kind = scale.kind;
    this.el.dataset.lo = String(scale.lo);
    this.el.dataset.hi = String(scale.hi);
    // the caption may carry subscripts (`_T`): rendered as <sub>
    if (this.captionText !== caption) this.caption.replaceChildren(...richLabel((this.captionText = caption)));
    this.ticks.replaceChildren(...legendTicks(scale).map((t) => {
      const tick = h('span', { class: 'scale-tick', 'data-value': t.value }, t.label);
      tick.style.setProperty('top', `${(1 - scalePosition(scale, t.value)) * 100}%`);
      return tick;
    }));
    this.clip.textContent = clipNote ?? '';
    this.clip.hidden = clipNote === undefined;
  }

  /** The bar: the scale's 256 colours, the high end on top. */
  private paintBar(scale: ColorScale): void {
    this.kind = scale.kind;
    const ctx = this.bar.getContext('2d');
    if (!ctx) return;
    const t = scaleTable(scale);
    const img = ctx.createImageData(1, 256);
    for (let i = 0; i < 256; i++) img.data.set([t[(255 - i) * 3], t[(255 - i) * 3 + 1], t[(255 - i) * 3 + 2], 255], i * 4);
    ctx.putImageData(img, 0, 0);
  }
}
