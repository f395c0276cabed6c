// An axis or chart title in HTML with real subscripts: the pieces of src/shared/chart/richLabel.ts as
// text and <sub> elements (`‖∂L_T/∂h_t‖` reads ‖∂L<sub>T</sub>/∂h<sub>t</sub>‖).
import { labelPieces } from '../../src/shared/chart/richLabel';
import { h } from './dom';

export function richLabel(label: string): Array<Node | string> {
  return labelPieces(label).map((p) => (p.sub ? h('sub', {}, p.text) : p.text));
}
