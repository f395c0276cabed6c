// The colour bar under a heatmap: the scale's 256 colours between its two end labels.
import { DIVERGING_LUT, SEQUENTIAL_LUT } from '../model/colorScales';
import { h } from './dom';

export function scaleLegend(kind: 'diverging' | 'sequential', lo = '−1', hi = '+1'): HTMLElement {
  const bar = h('canvas', { class: 'scale-bar', width: 256, height: 1 });
  const ctx = bar.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(256, 1);
    const t = kind === 'diverging' ? DIVERGING_LUT : SEQUENTIAL_LUT;
    for (let i = 0; i < 256; i++) img.data.set([t[i * 3], t[i * 3 + 1], t[i * 3 + 2], 255], i * 4);
    ctx.putImageData(img, 0, 0);
  }
  return h('div', { class: 'scale' }, h('span', { class: 'scale-lo' }, lo), bar, h('span', { class: 'scale-hi' }, hi));
}
