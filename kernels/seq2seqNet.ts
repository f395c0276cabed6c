// The encoder–decoder's shape, parameter views and buffers, allocated once per shape by createNet.
// The flat parameter vector follows src/shared/seq2seqSpec.ts's seq2seqLayout (Keras):
//   src.embedding · encoder layers (per direction Wx, Wh, b, [bh]) · bridges · tgt.embedding ·
//   decoder layers · attention · out.Wy, out.by
// Activations are time-major (row s·B + b or t·B + b) except the attention's memory, [B, S, Dm].
import { alloc, allocF32, packedSize, reserveGemmScratch } from './gemm';
import { at } from './vecmath';
import { Recurrent, newRecurrent, bindRecurrent, LSTM, GRU } from './seq2seqRecurrent';
import { Attention, newAttention, bindAttention, NONE } from './seq2seqAttention';
import { TokenTable, newTokenTable, tabulates } from './seq2seqTokens';

/** The dense tanh hand-over from encoder layer l's final state to decoder layer l's initial state. */
@unmanaged export class Bridge {
  Wh: usize; bh: usize; Wc: usize; bc: usize; dWh: usize; dbh: usize; dWc: usize; dbc: usize;
  WhP: usize; WhTP: usize; WcP: usize; WcTP: usize;
  final: usize; finalC: usize;      // [B, Dm]: the encoder layer's final h (and c), directions concatenated
  dFinal: usize; dFinalC: usize;    // [B, Dm]
  da: usize;                        // [B, Hd]: gradient through the tanh
}

@unmanaged export class Net {
  B: i32; S: i32; T: i32;
  maxS: i32; maxT: i32;             // the shape the buffers hold; S and T are the current batch's (setLengths)
  Vs: i32; Ds: i32; Vt: i32; Dt: i32;
  layers: i32; dirs: i32; He: i32; Hd: i32; Dm: i32; Din: i32;
  encCell: i32; decCell: i32; attKind: i32;
  bridged: bool; handsOver: bool; feed: bool; reverse: bool; bosId: i32;
  NP: i32; NPpad: i32;
  params: usize; grads: usize; slot0: usize; slot1: usize;
  srcEmb: usize; dSrcEmb: usize; tgtEmb: usize; dTgtEmb: usize;
  Wy: usize; by: usize; dWy: usize; dby: usize; WyP: usize; WyTP: usize;
  encTable: usize; decTable: usize; bridgeTable: usize; encOutTable: usize;
  att: Attention;
  srcIn: usize; tgtIn: usize;       // i32, batch-major as the host writes them: [B, S] and [B, T]
  srcIds: usize; live: usize;       // i32 [S·B] in reading order (reversed when reverseSource)
  decIn: usize;                     // i32 [T·B]: <s>, y_1, …
  x0enc: usize; encDIn: usize;      // [S·B, Ds], [S·B, max(Ds, Dm)]
  x0dec: usize; dx0: usize;         // [T·B, Din], [B, Din]
  yHat: usize; argmax: usize;       // [T·B, Vt] probabilities (decode step: log-probabilities), i32 [T·B]
  dY: usize;                        // [T·B, Vt]: ∂L/∂logits
  dO: usize; dht: usize;            // [T·B, Hd]: ∂L/∂(output layer input); [B, Hd]: ∂L/∂h̃_t
  loss: f64; tokens: i32; correct: i32;
  // dropout on the output layer's input o_t (training only; seq2seqDecoder.ts's outputForward): rate, the step's seed,
  // the global index of this instance's row 0 (a worker's rows), keep-masks [T·B, Hd] (0 or 1/(1−p)) and o ⊙ mask
  dropP: f32; dropSeed: u32; dropRow0: i32; dropMask: usize; dropped: usize; dropOn: bool;
}

// @ts-ignore: decorator
@inline function ptrAt(table: usize, i: i32): usize { return load<usize>(table + (<usize>i << alignof<usize>())); }
export function enc(n: Net, l: i32, d: i32): Recurrent { return changetype<Recurrent>(ptrAt(n.encTable, l * n.dirs + d)); }
export function dec(n: Net, l: i32): Recurrent { return changetype<Recurrent>(ptrAt(n.decTable, l)); }
export function bridge(n: Net, l: i32): Bridge { return changetype<Bridge>(ptrAt(n.bridgeTable, l)); }
/** Encoder layer l's output at every position, directions concatenated: [S·B, Dm]. */
export function encOut(n: Net, l: i32): usize { return ptrAt(n.encOutTable, l); }

function table(count: i32): usize { return alloc(count << alignof<usize>()); }
function put(t: usize, i: i32, p: usize): void { store<usize>(t + (<usize>i << alignof<usize>()), p); }

export function createNet(Vs: i32, Ds: i32, Vt: i32, Dt: i32, encCell: i32, layers: i32, He: i32, bidirectional: bool,
                          decCell: i32, Hd: i32, attKind: i32, A: i32, feed: bool, reverse: bool, bosId: i32,
                          B: i32, S: i32, T: i32): Net {
  const n = changetype<Net>(alloc(<i32>offsetof<Net>()));
  n.B = B; n.S = S; n.T = T; n.maxS = S; n.maxT = T; n.Vs = Vs; n.Ds = Ds; n.Vt = Vt; n.Dt = Dt;
  n.layers = layers; n.dirs = bidirectional ? 2 : 1; n.He = He; n.Hd = Hd; n.Dm = n.dirs * He;
  n.encCell = encCell; n.decCell = decCell; n.attKind = attKind;
  n.bridged = bidirectional || He != Hd; n.handsOver = encCell == LSTM && decCell == LSTM;
  n.feed = feed && attKind != NONE; n.reverse = reverse; n.bosId = bosId;
  n.Din = Dt + (n.feed ? Hd : 0);
  const Dm = n.Dm;
  n.encTable = table(layers * n.dirs); n.decTable = table(layers); n.bridgeTable = table(layers); n.encOutTable = table(layers);
  for (let l = 0; l < layers; l++) {
    for (let d = 0; d < n.dirs; d++) put(n.encTable, l * n.dirs + d, changetype<usize>(newRecurrent(encCell, l == 0 ? Ds : Dm, He, B, S, d == 1, true)));
    put(n.encOutTable, l, allocF32(S * B * Dm));
    put(n.decTable, l, changetype<usize>(newRecurrent(decCell, l == 0 ? n.Din : Hd, Hd, B, T, false, false)));
    put(n.bridgeTable, l, changetype<usize>(newBridge(n)));
  }
  n.live = alloc(S * B * 4); n.srcIds = alloc(S * B * 4); n.decIn = alloc(T * B * 4);
  // layer 0 on both sides projects by token when the vocabulary is smaller than its rows (seq2seqTokens.ts)
  if (tabulates(Vs, S * B)) for (let d = 0; d < n.dirs; d++) enc(n, 0, d).tok = changetype<usize>(newTokenTable(enc(n, 0, d), Vs, Ds, n.srcIds));
  if (tabulates(Vt, T * B)) dec(n, 0).tok = changetype<usize>(newTokenTable(dec(n, 0), Vt, Dt, n.decIn));
  n.att = attKind == NONE ? changetype<Attention>(0) : newAttention(attKind, B, S, T, Dm, Hd, A, n.live);
  bindParameters(n);
  n.srcIn = alloc(B * S * 4); n.tgtIn = alloc(B * T * 4);
  n.x0enc = allocF32(S * B * Ds); n.encDIn = allocF32(S * B * max(Ds, Dm));
  n.x0dec = allocF32(T * B * n.Din); n.dx0 = allocF32(B * n.Din);
  n.yHat = allocF32(T * B * Vt); n.argmax = alloc(T * B * 4); n.dY = allocF32(T * B * Vt);
  n.dO = allocF32(T * B * Hd); n.dht = allocF32(B * Hd);
  n.WyP = allocF32(packedSize(Hd, Vt)); n.WyTP = allocF32(packedSize(Vt, Hd));
  // gemmTN (weight gradients) transposes at most maxM rows of A and packs at most maxN columns of B
  const GHe = (encCell == LSTM ? 4 : encCell == GRU ? 3 : 1) * He, GHd = (decCell == LSTM ? 4 : decCell == GRU ? 3 : 1) * Hd;
  reserveGemmScratch(max(max(Ds, Dm + Hd), max(n.Din, He)), max(max(GHe, GHd), max(Vt, max(Hd, max(A, Dm)))));
  return n;
}

function newBridge(n: Net): Bridge {
  const br = changetype<Bridge>(alloc(<i32>offsetof<Bridge>()));
  const B = n.B, Dm = n.Dm, Hd = n.Hd;
  br.final = allocF32(B * Dm); br.finalC = allocF32(B * Dm); br.dFinal = allocF32(B * Dm); br.dFinalC = allocF32(B * Dm);
  br.da = allocF32(B * Hd);
  if (n.bridged) {
    br.WhP = allocF32(packedSize(Dm, Hd)); br.WhTP = allocF32(packedSize(Hd, Dm));
    br.WcP = allocF32(packedSize(Dm, Hd)); br.WcTP = allocF32(packedSize(Hd, Dm));
  }
  return br;
}

// Counts the parameters (a dry run of the views from address 0), allocates the flat vectors, padded to
// whole f32x4 (the optimizer loops run over the padding), and points every view into them.
function bindParameters(n: Net): void {
  n.NP = bindAll(n, 0, 0); n.NPpad = (n.NP + 3) & ~3;
  n.params = allocF32(n.NPpad); n.grads = allocF32(n.NPpad); n.slot0 = allocF32(n.NPpad); n.slot1 = allocF32(n.NPpad);
  bindAll(n, n.params, n.grads);
}

function bindTokens(ly: Recurrent, E: usize, dE: usize): void {
  if (ly.tok == 0) return;
  const t = changetype<TokenTable>(ly.tok);
  t.E = E; t.dE = dE;
}

function bindAll(n: Net, params: usize, grads: usize): i32 {
  const Dm = n.Dm, Hd = n.Hd;
  let o = 0;
  n.srcEmb = at(params, o); n.dSrcEmb = at(grads, o); o += n.Vs * n.Ds;
  for (let l = 0; l < n.layers; l++) for (let d = 0; d < n.dirs; d++) o = bindRecurrent(enc(n, l, d), params, grads, o);
  for (let d = 0; d < n.dirs; d++) bindTokens(enc(n, 0, d), n.srcEmb, n.dSrcEmb);
  if (n.bridged)
    for (let l = 0; l < n.layers; l++) {
      const br = bridge(n, l);
      br.Wh = at(params, o); br.dWh = at(grads, o); o += Dm * Hd;
      br.bh = at(params, o); br.dbh = at(grads, o); o += Hd;
      if (n.handsOver) {
        br.Wc = at(params, o); br.dWc = at(grads, o); o += Dm * Hd;
        br.bc = at(params, o); br.dbc = at(grads, o); o += Hd;
      }
    }
  n.tgtEmb = at(params, o); n.dTgtEmb = at(grads, o); o += n.Vt * n.Dt;
  for (let l = 0; l < n.layers; l++) o = bindRecurrent(dec(n, l), params, grads, o);
  bindTokens(dec(n, 0), n.tgtEmb, n.dTgtEmb);
  if (n.attKind != NONE) o = bindAttention(n.att, params, grads, o);
  n.Wy = at(params, o); n.dWy = at(grads, o); o += Hd * n.Vt;
  n.by = at(params, o); n.dby = at(grads, o); o += n.Vt;
  return o;
}
