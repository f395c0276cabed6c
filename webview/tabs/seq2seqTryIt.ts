// The Seq2seq tab's "try it" box: a source text typed here goes to the run's weights (the host asks the
// engine's `translate`, traced), decoded greedily or by beam search, as you type (after a pause; an answer
// to an older text is dropped). The hypotheses come back best first with their probabilities; for the
// chosen one, each decoder step's most probable tokens and its attention over the typed text; for a beam,
// the tree of what it looked at.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatCount, formatNumber, tokenLabel } from '../../src/shared/format';
import type { RunView } from '../../src/shared/webviewProtocol';
import { beamTreeLayout, candidateColumns } from '../model/decodingTrace';
import { attentionFromRows } from '../model/seq2seqViews';
import { probabilityText } from '../model/translationTry';
import { AttentionMap } from '../views/attentionMap';
import { BeamTreeView } from '../views/beamTreeView';
import { h, select } from '../views/dom';
import { StepCandidatesTable } from '../views/stepCandidatesTable';
import type { TabContext } from './tabView';

const BEAMS = [1, 3, 5, 10];
const TOPS = [1, 3, 5];
/** Candidates traced per decoder step. */
const STEPS = [3, 5, 10];
/** The pause in typing after which the text is translated. */
const LIVE_MS = 300;

export class Seq2seqTryIt {
  readonly el: HTMLElement;
  private readonly text = h('vscode-textfield', { id: 's2s-try-text', 'aria-label': 'Source text to translate', placeholder: 'Type a source text' });
  private readonly button = h('vscode-button', { id: 's2s-try-go' }, 'Translate');
  private readonly status = h('div', { id: 's2s-try-status', class: 'ex-status', role: 'status', 'data-state': 'idle' });
  private readonly result = h('ol', { id: 's2s-try-result', class: 's2s-hyps' });
  private readonly att: AttentionMap;
  private readonly stepsTitle = h('h4', { class: 's2s-try-part' }, 'Each decoder step’s candidates');
  private readonly steps = new StepCandidatesTable();
  private readonly treeTitle = h('h4', { class: 's2s-try-part' }, 'The beam’s tree');
  private readonly tree = new BeamTreeView();
  private beam = 1;
  private top = 1;
  private candidates = STEPS[0];
  private typing: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: TabContext, private readonly run: () => RunView | undefined) {
    this.att = new AttentionMap('s2s-try-att', ctx.store.theme.foreground);
    // a changed setting translates again what is there
    const again = () => this.text.value.trim() !== '' && this.translate();
    const beam = select('s2s-try-beam', 'Decoding', BEAMS.map((b) => [String(b), b === 1 ? 'greedy' : `beam ${b}`]), '1', (v) => { this.beam = Number(v); again(); });
    const top = select('s2s-try-top', 'Hypotheses', TOPS.map((k) => [String(k), `top ${k}`]), '1', (v) => { this.top = Number(v); again(); });
    const steps = select('s2s-try-steps', 'Candidates per step', STEPS.map((k) => [String(k), `${k}`]), String(this.candidates), (v) => { this.candidates = Number(v); again(); });
    this.el = h('section', { class: 's2s-try', 'aria-label': 'Try it' },
      h('h3', {}, 'Try it: translate what you type'),
      h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Source'), this.text), beam, top, steps, this.button),
      this.status, this.result, this.stepsTitle, this.steps.el, this.treeTitle, this.tree.el, this.att.el);
    this.showTrace(false);
    this.button.addEventListener('click', () => this.translate());
    this.text.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter') this.translate();
    });
    this.text.addEventListener('input', () => {
      clearTimeout(this.typing);
      this.typing = undefined;
      if (this.text.value.trim() !== '') this.typing = setTimeout(() => this.translate(), LIVE_MS);
      else if (this.ctx.store.translation.state.kind !== 'idle') {
        // nothing typed: nothing shown, and an answer still on its way is dropped
        this.ctx.store.translation.clear();
        this.render();
      }
    });
  }

  dispose(): void {
    clearTimeout(this.typing);
  }

  setForeground(fg: string): void {
    this.att.setForeground(fg);
  }

  private translate(): void {
    clearTimeout(this.typing);
    this.typing = undefined;
    const r = this.run();
    if (!r) return;
    const asked = this.ctx.store.translation.ask({ runId: r.id, source: this.text.value, beam: this.beam, top: this.top, steps: this.candidates });
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
        this.setStatus('idle', 'Type a source: the run’s last weights decode it as you type (or press Translate).');
        this.result.replaceChildren();
        this.att.el.hidden = true;
        this.showTrace(false);
        break;
      case 'asking':
        this.setStatus('loading', `Translating “${s.source}”…`);
        break;
      case 'failed':
        this.setStatus('failed', s.message);
        this.result.replaceChildren();
        this.att.el.hidden = true;
        this.showTrace(false);
        break;
      case 'done': {
        const { result } = s;
        const tr = result.translations[0];
        const d = result.decoding;
        const how = d.method === 'greedy' ? 'greedy decoding' : `beam search, width ${d.beamWidth}`;
        const unk = tr && tr.unknown.length > 0 ? ` · not in the vocabulary, read as <unk>: ${tr.unknown.map((u) => `“${u}”`).join(' ')}` : '';
        this.setStatus('done', `${how} · weights of step ${formatCount(result.step)} · ${tr?.sourceTokens.length ?? 0} source tokens${unk}`);
        this.result.replaceChildren(...(tr?.hypotheses ?? []).map((hyp, rank) => {
          const item = h('li', { class: `s2s-hyp${rank === t.shownHypothesis ? ' shown' : ''}`, 'data-rank': rank, tabindex: 0, title: 'Show its steps, path and attention' },
            h('span', { class: 's2s-hyp-text' }, hyp.text || '(empty)'),
            h('span', { class: 's2s-hyp-prob' }, ` p = ${probabilityText(hyp.logProb)} · log p ${formatNumber(hyp.logProb, 3)}${hyp.finished ? '' : ' · unfinished (hit the length limit)'}`));
          item.addEventListener('click', () => {
            t.shownHypothesis = rank;
            this.render();
          });
          return item;
        }));
        const hyp = tr?.hypotheses[t.shownHypothesis];
        this.steps.show(candidateColumns(hyp));
        const finals = tr?.hypotheses.map((x) => x.node ?? -1) ?? [];
        this.tree.show(tr?.beamTree && d.method === 'beam' ? beamTreeLayout(tr.beamTree, finals, t.shownHypothesis) : undefined);
        this.showTrace(true);
        this.att.el.hidden = !hyp?.attention;
        if (tr && hyp?.attention) {
          const emitted = hyp.finished ? [...hyp.tokens, '</s>'] : hyp.tokens;
          this.att.show(attentionFromRows(hyp.attention, tr.sourceTokens.map(tokenLabel), emitted), 'unit');
        }
        break;
      }
    }
  }

  /** The trace's parts and their headings, each shown only when it has something. */
  private showTrace(on: boolean): void {
    if (!on) {
      this.steps.el.hidden = true;
      this.tree.el.hidden = true;
    }
    this.stepsTitle.hidden = this.steps.el.hidden;
    this.treeTitle.hidden = this.tree.el.hidden;
  }

  private setStatus(state: 'idle' | 'loading' | 'done' | 'failed', text: string): void {
    this.status.dataset.state = state;
    this.status.classList.toggle('status-error', state === 'failed');
    this.status.textContent = text;
  }
}
