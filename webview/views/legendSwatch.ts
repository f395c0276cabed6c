// A series' key in a legend or a readout: a short line in the series' colour and dash (a dot on it for a
// series drawn with points; faint for the raw curve under a smoothed one). Colour through the CSSOM
// (the CSP forbids style attributes); the line itself is CSS (.key-swatch in dashboard.css).
import type { SwatchStyle } from '../model/readout';
import { h } from './dom';

export function legendSwatch(color: string, style: SwatchStyle, points = false): HTMLElement {
  const s = h('span', { class: `key-swatch swatch-${style}${points ? ' with-point' : ''}`, 'aria-hidden': 'true' });
  s.style.setProperty('color', color);
  return s;
}
