// The Seq2seq tab's browser tests share this: a fake encoder–decoder run (its info and planted snapshots),
// messages posted as the host posts them, and a dashboard page on the tab whose `translate` requests a
// test answers (seq2seqBrowser, seq2seqTraceBrowser).
import type { RunInfo } from '../../src/shared/metrics';
import type { HostToWebview, RunView, WebviewToHost } from '../../src/shared/webviewProtocol';
import { heatmapPlot, nextFrames, type Page, type Session } from './dashboardPage';

// these run inside the page (page.evaluate); the root tsconfig has no DOM lib
declare const window: any;

export type Translate = Extract<WebviewToHost, { type: 'translate' }>;

export const SOURCE = ['c', 'a', 't', 's'];
export const TARGET = ['s', 't', 'a', 'c', '</s>'];
export const S = SOURCE.length, T = TARGET.length, He = 6, Hd = 4;

export function runView(over: Partial<RunInfo> = {}): RunView {
  return {
    id: 'rev', colorIndex: 0, seconds: 12, snapshotSteps: [100, 200], status: { kind: 'finished', step: 200 },
    info: { id: 'rev', name: 'reverse', configPath: '/ws/rev.seqlab.json', cell: 'gru', backend: 'wasm', device: 'wasm', seed: 1, paramCount: 900, totalSteps: 200, dataSummary: 'reverse', task: 'reverse', gateNames: [], probeTokens: SOURCE, probeTargetTokens: TARGET, errorRateName: 'CER', ...over },
  };
}

/** Step `step`'s planted snapshot: attention anti-diagonal (0.85 on it, the rest shared), the last decoder step on the first source token; states t/10 + u/100; ‖∂L/∂h‖ falling by 10 per position. */
export function snapshot(step: number) {
  const att = Array.from({ length: T * S }, (_, i) => {
    const t = Math.floor(i / S), s = i % S;
    const target = t < S ? S - 1 - t : 0;
    return s === target ? 0.85 : 0.05;
  });
  return {
    step,
    arrays: {
      att: { data: att, shape: [T, S] },
      'enc.l0.h': { data: Array.from({ length: S * He }, (_, i) => Math.floor(i / He) / 10 + (i % He) / 100), shape: [S, He] },
      'dec.l0.h': { data: Array.from({ length: T * Hd }, (_, i) => -Math.floor(i / Hd) / 10), shape: [T, Hd] },
      'enc.l0.dh': { data: [1e-4, 1e-3, 1e-2, 1e-1], shape: [S] },
      'dec.l0.dh': { data: [0.5, 0.4, 0.3, 0.2, 0.1], shape: [T] },
    },
  };
}

/** Post a message from the fake host, typed arrays made in the page (as structured clone delivers them). */
export async function postFromHost(page: Page, msg: unknown): Promise<void> {
  await page.evaluate((m: any) => {
    if (m.type === 'diagnostics') for (const a of Object.values(m.snapshot.arrays) as any[]) a.data = Float32Array.from(a.data);
    window.postMessage(m, '*');
  }, msg);
}

/**
 * A dashboard page showing the fake run (its info changed by `info`) on the Seq2seq tab; its `translate`
 * requests land in `asked`, and `answer` gives the reply to post (none: the test posts it).
 */
export async function seq2seqPage(session: Session, o: { theme?: 'dark' | 'light'; info?: Partial<RunInfo>; answer?: (m: Translate) => HostToWebview | undefined }): Promise<{ page: Page; asked: Translate[] }> {
  const page = await session.blank(o.theme ?? 'dark', { width: 1100, height: 1400 });
  const asked: Translate[] = [];
  await page.exposeBinding('__seqlabHost', async (_source: unknown, m: WebviewToHost) => {
    if (m.type !== 'translate') return;
    asked.push(m);
    const reply = o.answer?.(m);
    if (reply) await page.evaluate((r: unknown) => window.postMessage(r, '*'), reply);
  });
  await page.evaluate(() => { window.__onPost = (m: unknown) => window.__seqlabHost(m); });
  await postFromHost(page, { type: 'init', panelKind: 'run', runs: [runView(o.info)], pending: [] });
  await postFromHost(page, { type: 'diagnostics', runId: 'rev', snapshot: snapshot(200) });
  await page.click('.tab-seq2seq');
  await page.waitForSelector('#s2s-att-canvas[data-plot]');
  await nextFrames(page);
  return { page, asked };
}

/** Client coordinates of the middle of cell (row, col) of a heatmap canvas of rows × cols. */
export async function cellCenter(page: Page, canvas: string, row: number, col: number, rows: number, cols: number): Promise<{ x: number; y: number }> {
  const plot = await heatmapPlot(page, canvas);
  const box = (await page.locator(canvas).boundingBox())!;
  return { x: box.x + plot.left + (col + 0.5) * (plot.width / cols), y: box.y + plot.top + (row + 0.5) * (plot.height / rows) };
}
