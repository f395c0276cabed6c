// The Seq2seq tab's "try it" box: a source text typed here goes to the run's weights (the host asks the
// engine's `translate`), decoded greedily or by beam search; the hypotheses come back best first with
// their probabilities, and the chosen one's attention over the typed text is drawn as the probe's is.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatCount, formatNumber } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { tokenLabel } from '../model/hiddenStates';
import { attentionFromRows } from '../model/seq2seqViews';
import { probabilityText } from '../model/translationTry';
import { AttentionMap } from '../views/attentionMap';
import { h, select } from '../views/dom';
import type { TabContext } from './tabView';

const BEAMS = [1, 3, 5, 10];
const TOPS = [1, 3, 5];

export class Seq2seqTryIt {
  readonly el: HTMLElement;
  private readonly text = h('vscode-textfield', { id: 's2s-try-text', 'aria-label': 'Source text to translate', placeholder: 'Type a source text' });
  private readonly button = h('vscode-button', { id: 's2s-try-go' }, 'Translate');
  private readonly status = h('div', { id: 's2s-try-status', class: 'ex-status', role: 'status', 'data-state': 'idle' });
  private readonly result = h('ol', { id: 's2s-try-result', class: 's2s-hyps' });
  private readonly att: AttentionMap;
  private beam = 1;
  private top = 1;

  constructor(private readonly ctx: TabContext, private readonly run: () => RunView | undefined) {
    this.att = new AttentionMap('s2s-try-att', ctx.store.theme.foreground);
    const beam = select('s2s-try-beam', 'Decoding', BEAMS.map((b) => [String(b), b === 1 ? 'greedy' : `beam ${b}`]), '1', (v) => (this.beam = Number(v)));
    const top = select('s2s-try-top', 'Hypotheses', TOPS.map((k) => [String(k), `top ${k}`]), '1', (v) => (this.top = Number(v)));
    this.el = h('section', { class: 's2s-try', 'aria-label': 'Try it' },
      h('h3', {}, 'Try it: translate what you type'),
      h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Source'), this.text), beam, top, this.button),
      this.status, this.result, this.att.el);
    this.att.el.hidden = true;
    this.button.addEventListener('click', () => this.translate());
    this.text.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter') this.translate();
    });
  }

  setForeground(fg: string): void {
    this.att.setForeground(fg);
  }

  private translate(): void {
    const r = this.run();
    if (!r) return;
    const asked = this.ctx.store.translation.ask({ runId: r.id, source: this.text.value, beam: this.beam, top: this.top });
    if ('problem' in asked) this.setStatus('failed', asked.problem);
    else {
      this.ctx.post(asked.message);
      this.render();
    }
  }

  /** The box after the store's request or answer changed. */
  render(): void {
    const t = this.ctx.store.translation;
    const s = t.state;
    switch (s.kind) {
      case 'idle':
        this.setStatus('idle', 'Type a source and press Translate: the run’s last weights decode it.');
        break;
      case 'asking':
        this.setStatus('loading', `Translating “${s.source}”…`);
        break;
      case 'failed':
        this.setStatus('failed', s.message);
        this.result.replaceChildren();
        this.att.el.hidden = true;
        break;
      case 'done': {
        const { result } = s;
        const tr = result.translations[0];
        const d = result.decoding;
        const how = d.method === 'greedy' ? 'greedy decoding' : `beam search, width ${d.beamWidth}`;
        const unk = tr && tr.unknown.length > 0 ? ` · not in the vocabulary, read as <unk>: ${tr.unknown.map((u) => `“${u}”`).join(' ')}` : '';
        this.setStatus('done', `${how} · weights of step ${formatCount(result.step)} · ${tr?.sourceTokens.length ?? 0} source tokens${unk}`);
        this.result.replaceChildren(...(tr?.hypotheses ?? []).map((hyp, rank) => {
          const item = h('li', { class: `s2s-hyp${rank === t.shownHypothesis ? ' shown' : ''}`, 'data-rank': rank, tabindex: 0, title: 'Show its attention' },
            h('span', { class: 's2s-hyp-text' }, hyp.text || '(empty)'),
            h('span', { class: 's2s-hyp-prob' }, ` p = ${probabilityText(hyp.logProb)} · log p ${formatNumber(hyp.logProb, 3)}${hyp.finished ? '' : ' · unfinished (hit the length limit)'}`));
          item.addEventListener('click', () => {
            t.shownHypothesis = rank;
            this.render();
          });
          return item;
        }));
        const hyp = tr?.hypotheses[t.shownHypothesis];
        this.att.el.hidden = !hyp?.attention;
        if (tr && hyp?.attention) {
          const emitted = hyp.finished ? [...hyp.tokens, '</s>'] : hyp.tokens;
          this.att.show(attentionFromRows(hyp.attention, tr.sourceTokens.map(tokenLabel), emitted), 'unit');
        }
        break;
      }
    }
  }

  private setStatus(state: 'idle' | 'loading' | 'done' | 'failed', text: string): void {
    this.status.dataset.state = state;
    this.status.classList.toggle('status-error', state === 'failed');
    this.status.textContent = text;
  }
}
