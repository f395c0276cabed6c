// One direction of one recurrent layer of the encoder–decoder, over `steps` positions of B rows, built
// on the cells of cells.ts. Positions are indexed in input order s = 0..steps−1; a forward layer reads
// them 0 → steps−1, the bidirectional encoder's backward direction steps−1 → 0. hs holds steps+1 state
// blocks of [B, H]: forward, block 0 is the initial state and block s+1 the state after position s;
// backward, block steps is the initial state and block s the state after s (so h_prev of s is block s+1).
// Masking (padded source positions, `live` = 0): the state is carried through unchanged,
//   forward:  h_s = h_prev, c_s = c_prev              (the cell's result for that row is discarded)
//   backward: ∂L/∂h_prev = ∂L/∂h_s (total), ∂L/∂c_prev = ∂L/∂c_s = ∂L/∂c through step s+1 only (h_s does not read
//             c_s), and the row's dz is 0 (no weight gradient)
import { alloc, allocF32, packedSize, packB, packBT, gemmPacked, gemmTN } from './gemm';
import { rnnForward, rnnBackward, lstmForward, lstmBackward, gruForward, gruBackward } from './cells';
import { at, addN, columnSums, dotN } from './vecmath';

export const RNN = 0, LSTM = 1, GRU = 2;

@unmanaged export class Recurrent {
  cell: i32; G: i32; H: i32; GH: i32; I: i32; B: i32; steps: i32; backward: bool;
  fromZero: bool; // the state before the first position is 0 (the encoder): h_prev·Wh vanishes there, and ∂L/∂(that state) is not needed
  Wx: usize; Wh: usize; b: usize; bh: usize;          // parameters (views into the flat vector)
  dWx: usize; dWh: usize; db: usize; dbh: usize;      // their gradients
  WxP: usize; WhP: usize; WhTP: usize; WxTP: usize;   // packed panels of Wx, Wh, Whᵀ, Wxᵀ
  input: usize;   // [steps·B, I], by position
  hs: usize;      // [(steps+1)·B, H], see above
  cs: usize;      // LSTM [(steps+1)·B, H], same blocks
  tc: usize;      // LSTM [steps·B, H]: tanh c at each position
  z: usize;       // [steps·B, GH]: pre-activations, post-activation gates after the forward
  zh: usize;      // GRU [steps·B, GH]: h_prev·Wh + bh
  dz: usize; dzh: usize;                    // [steps·B, GH]
  dhs: usize;     // [steps·B, H]: ∂L/∂h arriving from outside the recurrence (attention, head, layer above)
  dhNext: usize; dcNext: usize; dhDirect: usize;   // [B, H]: ∂L/∂h_prev, ∂L/∂c_prev carried backwards
  passH: usize; passC: usize;               // [B, H]: what masked rows carry through the step
  dhNorm: usize; dcNorm: usize;             // [steps]: ‖∂L/∂h_s‖, LSTM ‖∂L/∂c_s‖ over the batch, by position
  tok: usize;     // layer 0 reading tokens: its TokenTable (seq2seqTokens.ts) when it projects by token, else 0
}

const SIZE = offsetof<Recurrent>();

/** A layer's buffers; its parameter views are set by bindRecurrent. */
export function newRecurrent(cell: i32, I: i32, H: i32, B: i32, steps: i32, backward: bool, fromZero: bool): Recurrent {
  const ly = changetype<Recurrent>(alloc(<i32>SIZE));
  const G = cell == LSTM ? 4 : cell == GRU ? 3 : 1, GH = G * H, rows = steps * B;
  ly.cell = cell; ly.G = G; ly.H = H; ly.GH = GH; ly.I = I; ly.B = B; ly.steps = steps; ly.backward = backward; ly.fromZero = fromZero;
  ly.WxP = allocF32(packedSize(I, GH)); ly.WhP = allocF32(packedSize(H, GH));
  ly.WhTP = allocF32(packedSize(GH, H)); ly.WxTP = allocF32(packedSize(GH, I));
  ly.hs = allocF32((steps + 1) * B * H);
  ly.cs = cell == LSTM ? allocF32((steps + 1) * B * H) : 0;
  ly.tc = cell == LSTM ? allocF32(rows * H) : 0;
  ly.z = allocF32(rows * GH); ly.dz = allocF32(rows * GH);
  ly.zh = cell == GRU ? allocF32(rows * GH) : 0; ly.dzh = cell == GRU ? allocF32(rows * GH) : 0;
  ly.dhs = allocF32(rows * H);
  ly.dhNext = allocF32(B * H); ly.dcNext = allocF32(B * H); ly.dhDirect = allocF32(B * H);
  ly.passH = allocF32(B * H); ly.passC = allocF32(B * H);
  ly.dhNorm = allocF32(steps); ly.dcNorm = allocF32(steps);
  return ly;
}

/** Views into the flat parameter and gradient vectors at float offset o (layout order Wx, Wh, b, [bh]); returns the next offset. */
export function bindRecurrent(ly: Recurrent, params: usize, grads: usize, o: i32): i32 {
  ly.Wx = at(params, o); ly.dWx = at(grads, o); o += ly.I * ly.GH;
  ly.Wh = at(params, o); ly.dWh = at(grads, o); o += ly.H * ly.GH;
  ly.b = at(params, o); ly.db = at(grads, o); o += ly.GH;
  if (ly.cell == GRU) { ly.bh = at(params, o); ly.dbh = at(grads, o); o += ly.GH; }
  return o;
}

// @ts-ignore: decorator
@inline function block(ly: Recurrent, buf: usize, k: i32): usize { return at(buf, k * ly.B * ly.H); }
/** State block of h_prev and of h at position s. */
// @ts-ignore: decorator
@inline export function prevBlock(ly: Recurrent, s: i32): i32 { return ly.backward ? s + 1 : s; }
// @ts-ignore: decorator
@inline export function outBlock(ly: Recurrent, s: i32): i32 { return ly.backward ? s : s + 1; }
/** Whether position s is read first and its h_prev is the zero state (no recurrent product, forward or backward). */
// @ts-ignore: decorator
@inline function startsFromZero(ly: Recurrent, s: i32): bool { return ly.fromZero && s == (ly.backward ? ly.steps - 1 : 0); }
/** h after position s: [B, H]. */
export function hAt(ly: Recurrent, s: i32): usize { return block(ly, ly.hs, outBlock(ly, s)); }
/** LSTM c after position s: [B, H]. */
export function cAt(ly: Recurrent, s: i32): usize { return block(ly, ly.cs, outBlock(ly, s)); }
/** The initial state blocks (h and, LSTM, c). */
export function initialH(ly: Recurrent): usize { return block(ly, ly.hs, ly.backward ? ly.steps : 0); }
export function initialC(ly: Recurrent): usize { return ly.cs != 0 ? block(ly, ly.cs, ly.backward ? ly.steps : 0) : 0; }
/** h at every position in position order, [steps·B, H]. */
export function outputs(ly: Recurrent): usize { return block(ly, ly.hs, ly.backward ? 0 : 1); }

// A layer that projects by token packs its Wx in its TokenTable instead.
export function packForward(ly: Recurrent): void {
  if (ly.tok == 0) packB(ly.Wx, ly.I, ly.GH, ly.GH, ly.WxP);
  packB(ly.Wh, ly.H, ly.GH, ly.GH, ly.WhP);
}
export function packBackward(ly: Recurrent): void {
  packBT(ly.Wh, ly.GH, ly.H, ly.GH, ly.WhTP);
  if (ly.tok == 0) packBT(ly.Wx, ly.GH, ly.I, ly.GH, ly.WxTP);
}

/** z = x·Wx for `rows` rows starting at position s (the encoder does all positions at once, the decoder one step). */
export function inputProjection(ly: Recurrent, s: i32, rows: i32, x: usize): void {
  gemmPacked(rows, ly.GH, ly.I, x, ly.I, 1, ly.WxP, at(ly.z, s * ly.B * ly.GH), ly.GH, false);
}

// ---------------------------------------------------------------- one position, forward and backward
// forward: z_s += h_prev·Wh (GRU: zh_s = h_prev·Wh), then the cell; masked rows carry h (and c) through.
export function stepForward(ly: Recurrent, s: i32, live: usize): void {
  const B = ly.B, H = ly.H, GH = ly.GH;
  const z = at(ly.z, s * B * GH), hPrev = block(ly, ly.hs, prevBlock(ly, s)), h = block(ly, ly.hs, outBlock(ly, s));
  const zero = startsFromZero(ly, s);
  if (ly.cell == GRU) {
    const zh = at(ly.zh, s * B * GH);
    if (zero) memory.fill(zh, 0, <usize>(B * GH) << 2);
    else gemmPacked(B, GH, H, hPrev, H, 1, ly.WhP, zh, GH, false);
    gruForward(B, H, z, zh, ly.b, ly.bh, hPrev, h);
  } else {
    if (!zero) gemmPacked(B, GH, H, hPrev, H, 1, ly.WhP, z, GH, true);
    if (ly.cell == LSTM) lstmForward(B, H, z, ly.b, block(ly, ly.cs, prevBlock(ly, s)), block(ly, ly.cs, outBlock(ly, s)), at(ly.tc, s * B * H), h);
    else rnnForward(B, H, z, ly.b, h);
  }
  if (live == 0) return;
  const bytes = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    if (load<i32>(live + (<usize>b << 2)) != 0) continue;
    memory.copy(at(h, b * H), at(hPrev, b * H), bytes);
    if (ly.cell == LSTM) memory.copy(at(block(ly, ly.cs, outBlock(ly, s)), b * H), at(block(ly, ly.cs, prevBlock(ly, s)), b * H), bytes);
  }
}

// backward: the cell's backward with dh = dhs_s + dhNext (its norm is ‖∂L/∂h_s‖), then dhNext ← dz_s·Whᵀ
// (GRU: + dh ⊙ z); masked rows instead pass dh and dcNext through and contribute dz = 0.
export function stepBackward(ly: Recurrent, s: i32, live: usize): void {
  const B = ly.B, H = ly.H, GH = ly.GH, bytes = <usize>H << 2;
  const z = at(ly.z, s * B * GH), dz = at(ly.dz, s * B * GH), dhAbove = at(ly.dhs, s * B * H);
  // a masked row keeps its total dh in passH and enters the cell with dh = 0, so the cell's dc for it is
  // dcNext alone (its ‖∂L/∂c‖ is right) and its dh is added to ‖∂L/∂h‖ below
  let masked = false, maskedSq: f64 = 0;
  if (live != 0)
    for (let b = 0; b < B; b++) {
      if (load<i32>(live + (<usize>b << 2)) != 0) continue;
      masked = true;
      const ph = at(ly.passH, b * H);
      memory.copy(ph, at(dhAbove, b * H), bytes);
      addN(ph, at(ly.dhNext, b * H), H);
      maskedSq += <f64>dotN(ph, ph, H);
      memory.copy(at(ly.passC, b * H), at(ly.dcNext, b * H), bytes);
      memory.fill(at(dhAbove, b * H), 0, bytes); memory.fill(at(ly.dhNext, b * H), 0, bytes);
    }
  const dhNorm = at(ly.dhNorm, s);
  if (ly.cell == LSTM) {
    lstmBackward(B, H, z, dz, block(ly, ly.cs, prevBlock(ly, s)), at(ly.tc, s * B * H), dhAbove, ly.dhNext, ly.dcNext, dhNorm, at(ly.dcNorm, s));
  } else if (ly.cell == GRU) {
    gruBackward(B, H, z, at(ly.zh, s * B * GH), dz, at(ly.dzh, s * B * GH), block(ly, ly.hs, prevBlock(ly, s)), dhAbove, ly.dhNext, ly.dhDirect, dhNorm);
  } else {
    rnnBackward(B, H, z, dz, dhAbove, ly.dhNext, dhNorm);
  }
  if (masked) {
    const n = <f64>load<f32>(dhNorm);
    store<f32>(dhNorm, <f32>Math.sqrt(n * n + maskedSq));
    for (let b = 0; b < B; b++) {
      if (load<i32>(live + (<usize>b << 2)) != 0) continue;
      memory.fill(at(dz, b * GH), 0, <usize>GH << 2);   // LSTM: dc = dcNext ≠ 0 would still reach the gates
      if (ly.cell == GRU) memory.fill(at(ly.dzh, (s * B + b) * GH), 0, <usize>GH << 2);
    }
  }
  if (startsFromZero(ly, s)) return;   // ∂L/∂(the zero state) reaches nothing
  if (ly.cell == GRU) {
    memory.copy(ly.dhNext, ly.dhDirect, <usize>(B * H) << 2);
    gemmPacked(B, H, GH, at(ly.dzh, s * B * GH), GH, 1, ly.WhTP, ly.dhNext, H, true);   // dh_prev = dh⊙z + dzh·Whᵀ
  } else {
    gemmPacked(B, H, GH, dz, GH, 1, ly.WhTP, ly.dhNext, H, false);                      // dh_prev = dz·Whᵀ
  }
  if (masked)
    for (let b = 0; b < B; b++) {
      if (load<i32>(live + (<usize>b << 2)) != 0) continue;
      memory.copy(at(ly.dhNext, b * H), at(ly.passH, b * H), bytes);
      memory.copy(at(ly.dcNext, b * H), at(ly.passC, b * H), bytes);
    }
}

/** dx = dz·Wxᵀ for `rows` rows from position s into dst [rows, I]; acc adds to dst. */
export function inputGradient(ly: Recurrent, s: i32, rows: i32, dst: usize, acc: bool): void {
  gemmPacked(rows, ly.I, ly.GH, at(ly.dz, s * ly.B * ly.GH), ly.GH, 1, ly.WxTP, dst, ly.I, acc);
}

/** dWh = Σ_s h_prevᵀ·dz_s, dWx = Σ_s x_sᵀ·dz_s (by token: tokenGradients), db = Σ dz (GRU: dbh = Σ dzh), over every position
 *  (dWh: but the first when h_prev is the zero state there; it is the last position block of the backward direction). */
export function weightGradients(ly: Recurrent): void {
  const rows = ly.steps * ly.B, skip = ly.fromZero ? ly.B : 0;
  const dzRec = ly.cell == GRU ? ly.dzh : ly.dz;
  const hPrev = block(ly, ly.hs, ly.backward ? 1 : 0), dzFrom = ly.backward ? 0 : skip;
  gemmTN(ly.H, ly.GH, rows - skip, at(hPrev, (ly.backward ? 0 : skip) * ly.H), ly.H, at(dzRec, dzFrom * ly.GH), ly.GH, ly.dWh, ly.GH, false);
  if (ly.tok == 0) gemmTN(ly.I, ly.GH, rows, ly.input, ly.I, ly.dz, ly.GH, ly.dWx, ly.GH, false);
  columnSums(ly.dz, rows, ly.GH, ly.db);
  if (ly.cell == GRU) columnSums(ly.dzh, rows, ly.GH, ly.dbh);
}

/** Zero initial state (and zero carried gradients). */
export function resetInitialState(ly: Recurrent): void {
  const bytes = <usize>(ly.B * ly.H) << 2;
  memory.fill(initialH(ly), 0, bytes);
  if (ly.cell == LSTM) memory.fill(initialC(ly), 0, bytes);
}
