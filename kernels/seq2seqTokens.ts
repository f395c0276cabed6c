// Layer 0 of the encoder and of the decoder reads token embeddings: x_r = [E[id_r]; f_r] (f_r = h̃_{t−1} with
// input feeding, else nothing). When the vocabulary is smaller than the rows one pass projects (S·B, T·B),
// the embedding's share of the input projection and of its gradients is taken per token instead of per row,
// the same sums in another order:
//   forward   P = E·Wx_e  [V, GH], once per pass;      z_r = P[id_r]  (+ f_r·Wx_f)
//   backward  D[v] = Σ_{r: id_r = v} dz_r  [V, GH];    ∂Wx_e = Eᵀ·D;   ∂E += D·Wx_eᵀ   (∂Wx_f = Σ_r f_rᵀ·dz_r)
// Wx_e: the first De rows of Wx (those that read the embedding), Wx_f the rest. Each of the three products
// then costs V·De·GH instead of rows·De·GH: at issue 14's benchmark shape (30 and 70 tokens, 768 rows) a
// seventh of the step's matrix products.
import { alloc, allocF32, packedSize, packB, packBT, gemmPacked, gemmTN } from './gemm';
import { at, addN } from './vecmath';
import { Recurrent } from './seq2seqRecurrent';

@unmanaged export class TokenTable {
  V: i32; De: i32; Df: i32;     // vocabulary, embedding width, fed width (I − De)
  E: usize; dE: usize;          // the embedding [V, De] and its gradient (views into the flat vectors)
  ids: usize;                   // i32 [steps·B], time-major: the token of each row
  WeP: usize; WeTP: usize;      // Wx_e packed, and Wx_eᵀ packed
  WfP: usize; WfTP: usize;      // Wx_f likewise (input feeding)
  P: usize; D: usize;           // [V, GH]
}

/** Whether a layer reading `V` tokens over `rows` rows per pass is cheaper by token: the table's products cost V rows. */
export const tabulates = (V: i32, rows: i32): bool => V < rows;

export function newTokenTable(ly: Recurrent, V: i32, De: i32, ids: usize): TokenTable {
  const t = changetype<TokenTable>(alloc(<i32>offsetof<TokenTable>()));
  const GH = ly.GH, Df = ly.I - De;
  t.V = V; t.De = De; t.Df = Df; t.ids = ids;
  t.WeP = allocF32(packedSize(De, GH)); t.WeTP = allocF32(packedSize(GH, De));
  if (Df > 0) { t.WfP = allocF32(packedSize(Df, GH)); t.WfTP = allocF32(packedSize(GH, Df)); }
  t.P = allocF32(V * GH); t.D = allocF32(V * GH);
  return t;
}

/** Packs Wx_e (and Wx_f) and computes P = E·Wx_e. With packForward, once per pass. */
export function prepareTokens(t: TokenTable, ly: Recurrent): void {
  const GH = ly.GH;
  packB(ly.Wx, t.De, GH, GH, t.WeP);
  if (t.Df > 0) packB(at(ly.Wx, t.De * GH), t.Df, GH, GH, t.WfP);
  gemmPacked(t.V, GH, t.De, t.E, t.De, 1, t.WeP, t.P, GH, false);
}

/** z = x·Wx for `rows` rows from position s: the table's rows, plus f·Wx_f read from the layer's input (columns De..). */
export function projectTokens(t: TokenTable, ly: Recurrent, s: i32, rows: i32): void {
  const GH = ly.GH, r0 = s * ly.B, bytes = <usize>GH << 2;
  for (let r = r0; r < r0 + rows; r++) memory.copy(at(ly.z, r * GH), at(t.P, load<i32>(t.ids + (<usize>r << 2)) * GH), bytes);
  if (t.Df > 0) gemmPacked(rows, GH, t.Df, at(ly.input, r0 * ly.I + t.De), ly.I, 1, t.WfP, at(ly.z, r0 * GH), GH, true);
}

/** Packs Wx_fᵀ for the per-step gradient into f (input feeding). With packBackward, once per pass. */
export function packTokensBackward(t: TokenTable, ly: Recurrent): void {
  if (t.Df > 0) packBT(at(ly.Wx, t.De * ly.GH), ly.GH, t.Df, ly.GH, t.WfTP);
}

/** ∂f = dz·Wx_fᵀ for the B rows of position s into dst (row stride ldd). */
export function fedGradient(t: TokenTable, ly: Recurrent, s: i32, dst: usize, ldd: i32): void {
  gemmPacked(ly.B, t.Df, ly.GH, at(ly.dz, s * ly.B * ly.GH), ly.GH, 1, t.WfTP, dst, ldd, false);
}

/** After the layer's BPTT: ∂Wx (both parts) and ∂E += D·Wx_eᵀ. The layer's other weight gradients: weightGradients. */
export function tokenGradients(t: TokenTable, ly: Recurrent): void {
  const GH = ly.GH, rows = ly.steps * ly.B;
  memory.fill(t.D, 0, <usize>(t.V * GH) << 2);
  for (let r = 0; r < rows; r++) addN(at(t.D, load<i32>(t.ids + (<usize>r << 2)) * GH), at(ly.dz, r * GH), GH);
  gemmTN(t.De, GH, t.V, t.E, t.De, t.D, GH, ly.dWx, GH, false);
  if (t.Df > 0) gemmTN(t.Df, GH, rows, at(ly.input, t.De), ly.I, ly.dz, GH, at(ly.dWx, t.De * GH), GH, false);
  packBT(ly.Wx, GH, t.De, GH, t.WeTP);
  gemmPacked(t.V, t.De, GH, t.D, GH, 1, t.WeTP, t.dE, t.De, true);
}
