// The little DOM helpers every view uses. Elements get attributes, never a `style` attribute (the CSP
// blocks those; views set single properties through element.style instead).
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';

type Attrs = Record<string, string | number | boolean | undefined>;

/** Create an element: attributes (`true` = present, `false`/undefined = absent), then children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Array<Node | string>): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Array<Node | string>): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) el.append(c);
  return el;
}

/** A labelled control of a toolbar: `<label class="control"><span class="control-label">…</span>…</label>`. */
export function control(label: string, ...children: Array<Node | string>): HTMLLabelElement {
  return h('label', { class: 'control' }, h('span', { class: 'control-label' }, label), ...children);
}

/** A labelled drop-down of [value, text] options. */
export function select(id: string, label: string, options: Array<[string, string]>, value: string, onChange: (v: string) => void): HTMLElement {
  const sel = h('vscode-single-select', { id, 'aria-label': label });
  for (const [v, text] of options) sel.append(h('vscode-option', { value: v, selected: v === value }, text));
  sel.addEventListener('change', () => onChange(sel.value));
  return control(label, sel);
}
