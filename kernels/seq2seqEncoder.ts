// The encoder and the bridge of the encoder–decoder, forward and backward (equations: seq2seq.ts).
import { gemmPacked, gemmTN, packB, packBT } from './gemm';
import { at, addN, biasTanh, columnSums, tanhBackward } from './vecmath';
import { Net, enc, dec, bridge, encOut } from './seq2seqNet';
import {
  Recurrent, LSTM, packForward, packBackward, inputProjection, stepForward, stepBackward, inputGradient, weightGradients,
  resetInitialState, outputs, hAt, cAt, initialH, initialC,
} from './seq2seqRecurrent';
import { TokenTable, prepareTokens, projectTokens, tokenGradients } from './seq2seqTokens';

// @ts-ignore: decorator
@inline function liveAt(n: Net, s: i32): usize { return n.live + (<usize>(s * n.B) << 2); }

// Reading position s of row b is source column reverse ? S−1−s : s; its embedding goes to x0enc row s·B + b.
export function gatherSource(n: Net): void {
  const B = n.B, S = n.S, Ds = n.Ds;
  for (let s = 0; s < S; s++)
    for (let b = 0; b < B; b++) {
      const p = n.reverse ? S - 1 - s : s, r = s * B + b;
      const id = load<i32>(n.srcIn + (<usize>(b * S + p) << 2));
      store<i32>(n.srcIds + (<usize>r << 2), id);
      store<i32>(n.live + (<usize>r << 2), id != 0 ? 1 : 0);
      memory.copy(at(n.x0enc, r * Ds), at(n.srcEmb, id * Ds), <usize>Ds << 2);
    }
}

// Direction d of layer l writes its h at every position into columns d·He.. of the layer's output, and its
// final state (forward: after position S−1; backward: after position 0) into the bridge's input.
function collectDirection(n: Net, l: i32, d: i32, ly: Recurrent): void {
  const rows = n.S * n.B, He = n.He, Dm = n.Dm, bytes = <usize>He << 2;
  const out = encOut(n, l), h = outputs(ly), br = bridge(n, l);
  for (let r = 0; r < rows; r++) memory.copy(at(out, r * Dm + d * He), at(h, r * He), bytes);
  const last = d == 0 ? n.S - 1 : 0;
  for (let b = 0; b < n.B; b++) {
    memory.copy(at(br.final, b * Dm + d * He), at(hAt(ly, last), b * He), bytes);
    if (n.encCell == LSTM) memory.copy(at(br.finalC, b * Dm + d * He), at(cAt(ly, last), b * He), bytes);
  }
}

export function encoderForward(n: Net): void {
  const S = n.S, B = n.B;
  for (let l = 0; l < n.layers; l++)
    for (let d = 0; d < n.dirs; d++) {
      const ly = enc(n, l, d);
      ly.input = l == 0 ? n.x0enc : encOut(n, l - 1);
      packForward(ly);
      if (ly.tok != 0) {
        const t = changetype<TokenTable>(ly.tok);
        prepareTokens(t, ly);
        projectTokens(t, ly, 0, S * B);
      } else {
        inputProjection(ly, 0, S * B, ly.input);   // x·Wx for every position at once
      }
      resetInitialState(ly);
      for (let k = 0; k < S; k++) {
        const s = d == 0 ? k : S - 1 - k;
        stepForward(ly, s, liveAt(n, s));
      }
      collectDirection(n, l, d, ly);
    }
  if (changetype<usize>(n.att) == 0) return;
  const top = encOut(n, n.layers - 1), Dm = n.Dm;   // the attention's memory, batch-major [B, S, Dm]
  for (let s = 0; s < S; s++)
    for (let b = 0; b < B; b++) memory.copy(at(n.att.memory, (b * S + s) * Dm), at(top, (s * B + b) * Dm), <usize>Dm << 2);
}

// ---------------------------------------------------------------- bridge
// forward:  s0 = tanh(e·Wh + bh),  c0 = tanh(e_c·Wc + bc) (LSTM → LSTM)   when bridged
//           s0 = e,                c0 = e_c  (LSTM → LSTM) or 0 (LSTM decoder after another cell)   otherwise
// backward: da = ∂s0 ⊙ (1 − s0²);  ∂Wh = eᵀ·da;  ∂bh = Σ da;  ∂e = da·Whᵀ   (likewise for c), or ∂e = ∂s0
function bridgeOne(n: Net, W: usize, bias: usize, WP: usize, x: usize, y: usize): void {
  packB(W, n.Dm, n.Hd, n.Hd, WP);
  gemmPacked(n.B, n.Hd, n.Dm, x, n.Dm, 1, WP, y, n.Hd, false);
  biasTanh(y, bias, n.B, n.Hd);
}
export function bridgeForward(n: Net): void {
  const bytes = <usize>(n.B * n.Hd) << 2;
  for (let l = 0; l < n.layers; l++) {
    const br = bridge(n, l), ly = dec(n, l);
    if (n.bridged) bridgeOne(n, br.Wh, br.bh, br.WhP, br.final, initialH(ly));
    else memory.copy(initialH(ly), br.final, bytes);
    if (ly.cell != LSTM) continue;
    if (!n.handsOver) memory.fill(initialC(ly), 0, bytes);
    else if (n.bridged) bridgeOne(n, br.Wc, br.bc, br.WcP, br.finalC, initialC(ly));
    else memory.copy(initialC(ly), br.finalC, bytes);
  }
}

function bridgeOneBackward(n: Net, W: usize, WTP: usize, dW: usize, db: usize, x: usize, y: usize, dy: usize, da: usize, dx: usize): void {
  tanhBackward(dy, y, da, n.B * n.Hd);
  gemmTN(n.Dm, n.Hd, n.B, x, n.Dm, da, n.Hd, dW, n.Hd, false);
  columnSums(da, n.B, n.Hd, db);
  packBT(W, n.Hd, n.Dm, n.Hd, WTP);
  gemmPacked(n.B, n.Dm, n.Hd, da, n.Hd, 1, WTP, dx, n.Dm, false);
}
/** After the decoder's backward: its layers' dhNext/dcNext are ∂L/∂(initial state). */
export function bridgeBackward(n: Net): void {
  const bytes = <usize>(n.B * n.Dm) << 2;
  for (let l = 0; l < n.layers; l++) {
    const br = bridge(n, l), ly = dec(n, l);
    if (n.bridged) bridgeOneBackward(n, br.Wh, br.WhTP, br.dWh, br.dbh, br.final, initialH(ly), ly.dhNext, br.da, br.dFinal);
    else memory.copy(br.dFinal, ly.dhNext, bytes);
    if (!n.handsOver) memory.fill(br.dFinalC, 0, bytes);
    else if (n.bridged) bridgeOneBackward(n, br.Wc, br.WcTP, br.dWc, br.dbc, br.finalC, initialC(ly), ly.dcNext, br.da, br.dFinalC);
    else memory.copy(br.dFinalC, ly.dcNext, bytes);
  }
}

// ---------------------------------------------------------------- encoder backward
// ∂L/∂(layer output) [S·B, Dm] (top: the attention's ∂m; below: the layer above's ∂x) is split into the
// directions' dhs; each direction runs BPTT against its reading order, starting from the bridge's ∂(final state).
function splitIntoDirection(n: Net, l: i32, d: i32, ly: Recurrent, dOut: usize): void {
  const rows = n.S * n.B, He = n.He, Dm = n.Dm, bytes = <usize>He << 2, br = bridge(n, l);
  for (let r = 0; r < rows; r++) memory.copy(at(ly.dhs, r * He), at(dOut, r * Dm + d * He), bytes);
  for (let b = 0; b < n.B; b++) {
    memory.copy(at(ly.dhNext, b * He), at(br.dFinal, b * Dm + d * He), bytes);
    memory.copy(at(ly.dcNext, b * He), at(br.dFinalC, b * Dm + d * He), bytes);
  }
}

export function encoderBackward(n: Net): void {
  const S = n.S, B = n.B, Dm = n.Dm, dOut = n.encDIn;
  if (changetype<usize>(n.att) != 0) {
    for (let s = 0; s < S; s++)
      for (let b = 0; b < B; b++) memory.copy(at(dOut, (s * B + b) * Dm), at(n.att.dMem, (b * S + s) * Dm), <usize>Dm << 2);
  } else {
    memory.fill(dOut, 0, <usize>(S * B * Dm) << 2);
  }
  for (let l = n.layers - 1; l >= 0; l--) {
    for (let d = 0; d < n.dirs; d++) splitIntoDirection(n, l, d, enc(n, l, d), dOut);
    for (let d = 0; d < n.dirs; d++) {
      const ly = enc(n, l, d);
      packBackward(ly);
      for (let k = 0; k < S; k++) {
        const s = d == 0 ? S - 1 - k : k;
        stepBackward(ly, s, liveAt(n, s));
      }
      weightGradients(ly);
      if (ly.tok != 0) tokenGradients(changetype<TokenTable>(ly.tok), ly);   // ∂Wx and ∂Es by token
      else inputGradient(ly, 0, S * B, n.encDIn, d > 0);   // ∂x = Σ_dirs dz·Wxᵀ: the layer below's dOut
    }
  }
  if (enc(n, 0, 0).tok != 0) return;
  const Ds = n.Ds;
  for (let r = 0; r < S * B; r++) {
    const id = load<i32>(n.srcIds + (<usize>r << 2));
    addN(at(n.dSrcEmb, id * Ds), at(n.encDIn, r * Ds), Ds);
  }
}
