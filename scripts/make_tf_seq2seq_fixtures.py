#!/usr/bin/env python3
"""Generate TensorFlow reference fixtures for SeqLab's encoder-decoder (seq2seq) model.

Writes test/fixtures/tf-reference/seq2seq/<case>.json, one per cell x attention x bidirectional
(plus a few mixed cases). Run with `npm run fixtures:tf` (needs tensorflow-cpu==2.21.0 and numpy);
Python is only needed to regenerate fixtures, never by the product.

Two computations in float64 on the same weights, which must agree before a fixture is written:
  1. An unrolled GradientTape reference written like the equations in kernels/seq2seq.ts. It gives what
     the fixture stores: loss, every parameter gradient, ||dL/dh|| for every encoder position (each
     direction) and decoder step (tape gradients with respect to the states themselves, which a fused
     Keras layer cannot give; LSTM ||dL/dc|| likewise), the attention weights and the hidden states.
  2. A Keras functional model built from Keras layers: Embedding(mask_zero=True); LSTM / GRU / SimpleRNN
     with return_state (inside Bidirectional when bidirectional); Dense(tanh) bridges; the decoder RNN
     with initial_state; Dense(no bias) query/key projections with AdditiveAttention(use_scale=True)
     (additive) or Attention() (dot, general); Dense(tanh, no bias) on concat([context, h]); Dense
     logits. With input feeding the decoder is unrolled in the functional graph with the layers' cells
     (LSTMCell / GRUCell / SimpleRNNCell) and the same attention layer at every step, since h~_{t-1}
     enters step t's input. Its loss, gradients (by tf.GradientTape over the model's variables) and
     attention scores are compared with (1).
The parameter layout mirrors src/shared/seq2seqSpec.ts (seq2seqLayout). Parameters are short decimals
stored as written; both sides round them to float32 the same way (IEEE nearest), so the Float32Array a
TypeScript test loads holds exactly what TensorFlow used. The source goes into both computations already
in reading order (reversed when reverseSource); every stored per-position value is by source position.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

try:
    import numpy as np
    import tensorflow as tf
    import keras
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"make_tf_seq2seq_fixtures: TensorFlow/numpy not importable ({e}).\n"
                     "Install them with: pip install tensorflow-cpu==2.21.0 numpy\n")
    sys.exit(1)

keras.config.set_floatx("float64")   # every layer, Concatenate included, computes in float64
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "tf-reference", "seq2seq")
B, S, T = 3, 4, 4
KERAS_TOL = 1e-9
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
CELLS = ["rnn", "lstm", "gru"]
ATTENTIONS = ["none", "additive", "dot", "general"]
f64 = tf.float64


def make_spec(enc_cell, attention, bi, feed=False, reverse=False, dec_cell=None, layers=1, he=None, hd=None):
    he = he or (2 if bi else 3)
    return {
        "sourceVocab": 5, "sourceEmbed": 2, "targetVocab": 6, "targetEmbed": 2,
        "encoder": {"cell": enc_cell, "layers": layers, "hiddenSize": he, "bidirectional": bi},
        "decoder": {"cell": dec_cell or enc_cell, "layers": layers, "hiddenSize": hd or (2 * he if bi else he)},
        "attention": attention, "attentionSize": 2, "inputFeeding": feed and attention != "none",
        "reverseSource": reverse, "bosId": 1, "eosId": 2,
    }


def cases():
    out = []
    for ci, cell in enumerate(CELLS):
        for ai, att in enumerate(ATTENTIONS):
            for bi in (False, True):
                feed = att != "none" and (bi != (ci == 2))     # both with and without input feeding per cell
                reverse = (ai + ci + bi) % 3 == 0
                out.append(make_spec(cell, att, bi, feed=feed, reverse=reverse))
    out.append(make_spec("gru", "general", False, dec_cell="lstm", layers=2, feed=True))
    out.append(make_spec("lstm", "additive", True, dec_cell="gru", reverse=True))
    out.append(make_spec("lstm", "none", False, he=2, hd=3, layers=2))
    return out


def case_name(s):
    e, d = s["encoder"], s["decoder"]
    parts = [e["cell"] if e["cell"] == d["cell"] else f"{e['cell']}-{d['cell']}", s["attention"], "bi" if e["bidirectional"] else "uni"]
    if s["inputFeeding"]:
        parts.append("feed")
    if s["reverseSource"]:
        parts.append("rev")
    if e["layers"] > 1:
        parts.append(f"{e['layers']}l")
    if not e["bidirectional"] and e["hiddenSize"] != d["hiddenSize"]:
        parts.append(f"{e['hiddenSize']}to{d['hiddenSize']}")
    return "-".join(parts)


def dirs(s):
    return 2 if s["encoder"]["bidirectional"] else 1


def bridged(s):
    return s["encoder"]["bidirectional"] or s["encoder"]["hiddenSize"] != s["decoder"]["hiddenSize"]


def hands_over_cell(s):
    return s["encoder"]["cell"] == "lstm" and s["decoder"]["cell"] == "lstm"


def enc_prefixes(s, l):
    return [f"enc.l{l}.fwd", f"enc.l{l}.bwd"] if s["encoder"]["bidirectional"] else [f"enc.l{l}"]


def layout(s):
    """Mirror of seq2seqLayout() in src/shared/seq2seqSpec.ts: [(name, shape)]."""
    e, d = s["encoder"], s["decoder"]
    He, Hd, Dm = e["hiddenSize"], d["hiddenSize"], dirs(s) * e["hiddenSize"]
    out = [("src.embedding", [s["sourceVocab"], s["sourceEmbed"]])]

    def rec(prefix, cell, n_in, H):
        G = GATES[cell]
        out.extend([(f"{prefix}.Wx", [n_in, G * H]), (f"{prefix}.Wh", [H, G * H]), (f"{prefix}.b", [G * H])])
        if cell == "gru":
            out.append((f"{prefix}.bh", [G * H]))

    for l in range(e["layers"]):
        for p in enc_prefixes(s, l):
            rec(p, e["cell"], s["sourceEmbed"] if l == 0 else Dm, He)
    if bridged(s):
        for l in range(d["layers"]):
            out.extend([(f"bridge.l{l}.Wh", [Dm, Hd]), (f"bridge.l{l}.bh", [Hd])])
            if hands_over_cell(s):
                out.extend([(f"bridge.l{l}.Wc", [Dm, Hd]), (f"bridge.l{l}.bc", [Hd])])
    out.append(("tgt.embedding", [s["targetVocab"], s["targetEmbed"]]))
    for l in range(d["layers"]):
        rec(f"dec.l{l}", d["cell"], (s["targetEmbed"] + (Hd if s["inputFeeding"] else 0)) if l == 0 else Hd, Hd)
    A = s["attentionSize"]
    if s["attention"] == "additive":
        out.extend([("att.Wq", [Hd, A]), ("att.Wk", [Dm, A]), ("att.v", [A])])
    elif s["attention"] == "general":
        out.append(("att.Wk", [Dm, Hd]))
    if s["attention"] != "none":
        out.append(("att.Wc", [Dm + Hd, Hd]))
    out.extend([("out.Wy", [Hd, s["targetVocab"]]), ("out.by", [s["targetVocab"]])])
    return out


def make_params(s, rng):
    """Short decimals (what the JSON stores) and their float32 values widened to float64 (what TF uses)."""
    written, used = {}, {}
    for name, shape in layout(s):
        v = np.round(rng.uniform(-0.5, 0.5, size=shape), 4)
        written[name] = v
        used[name] = v.astype(np.float32).astype(np.float64)
    return written, used


def make_batch(s, rng):
    src = np.zeros((B, S), np.int32)
    tgt = np.zeros((B, T), np.int32)
    for b, (ns, nt) in enumerate([(S, T), (S - 2, 2), (S - 1, T - 1)]):
        src[b, :ns] = rng.integers(1, s["sourceVocab"], size=ns)
        tgt[b, :nt - 1] = rng.integers(3, s["targetVocab"], size=nt - 1)
        tgt[b, nt - 1] = s["eosId"]
    return src, tgt


def reading_order(s, src):
    return src[:, ::-1].copy() if s["reverseSource"] else src


def decoder_inputs(s, tgt):
    return np.concatenate([np.full((B, 1), s["bosId"], np.int32), tgt[:, :-1]], axis=1)


# ---------------------------------------------------------------- (1) the unrolled reference
def cell_step(cell, p, prefix, x, h, c, m=None):
    """One step; with a mask m [B,1] a padded row (m = 0) carries h and c through. An LSTM's c is masked before
    h reads it, so the tape's gradient with respect to c is its total: through h_t and through step t+1."""
    keep = (lambda new, old: new) if m is None else (lambda new, old: m * new + (1.0 - m) * old)
    Wx, Wh, b = p[f"{prefix}.Wx"], p[f"{prefix}.Wh"], p[f"{prefix}.b"]
    H = Wh.shape[0]
    if cell == "rnn":
        return keep(tf.tanh(x @ Wx + h @ Wh + b), h), c
    if cell == "lstm":
        z = x @ Wx + h @ Wh + b
        i, f, g, o = tf.sigmoid(z[:, :H]), tf.sigmoid(z[:, H:2 * H]), tf.tanh(z[:, 2 * H:3 * H]), tf.sigmoid(z[:, 3 * H:])
        c = keep(f * c + i * g, c)
        return keep(o * tf.tanh(c), h), c
    zx, zh = x @ Wx + b, h @ Wh + p[f"{prefix}.bh"]
    zg = tf.sigmoid(zx[:, :H] + zh[:, :H])
    r = tf.sigmoid(zx[:, H:2 * H] + zh[:, H:2 * H])
    n = tf.tanh(zx[:, 2 * H:] + r * zh[:, 2 * H:])
    return keep(zg * h + (1.0 - zg) * n, h), c


def encode(s, p, src_read):
    e = s["encoder"]
    He = e["hiddenSize"]
    live = tf.constant((src_read != 0).astype(np.float64))  # [B,S]
    xs = [tf.gather(p["src.embedding"], src_read[:, k]) for k in range(S)]
    hs, cs, finals, finals_c = [], [], [], []
    for l in range(e["layers"]):
        per_dir, per_dir_c, ends_h, ends_c = [], [], [], []
        for d, prefix in enumerate(enc_prefixes(s, l)):
            h = tf.zeros((B, He), f64)
            c = tf.zeros((B, He), f64)
            steps, steps_c = [None] * S, [None] * S
            for k in range(S):
                k_ = k if d == 0 else S - 1 - k
                h, c = cell_step(e["cell"], p, prefix, xs[k_], h, c, live[:, k_:k_ + 1])
                steps[k_], steps_c[k_] = h, c
            per_dir.append(steps)
            per_dir_c.append(steps_c)
            ends_h.append(h)
            ends_c.append(c)
        hs.append(per_dir)
        cs.append(per_dir_c)
        finals.append(tf.concat(ends_h, axis=1))
        finals_c.append(tf.concat(ends_c, axis=1))
        xs = [tf.concat([per_dir[d][k] for d in range(len(per_dir))], axis=1) for k in range(S)]
    memory = tf.stack(xs, axis=1)  # [B,S,Dm]
    return hs, cs, finals, finals_c, memory, live


def bridge(s, p, finals, finals_c):
    Hd = s["decoder"]["hiddenSize"]
    h0, c0 = [], []
    for l in range(s["decoder"]["layers"]):
        h0.append(tf.tanh(finals[l] @ p[f"bridge.l{l}.Wh"] + p[f"bridge.l{l}.bh"]) if bridged(s) else finals[l])
        if not hands_over_cell(s):
            c0.append(tf.zeros((B, Hd), f64))
        else:
            c0.append(tf.tanh(finals_c[l] @ p[f"bridge.l{l}.Wc"] + p[f"bridge.l{l}.bc"]) if bridged(s) else finals_c[l])
    return h0, c0


def attend(s, p, h, memory, keys, live):
    if s["attention"] == "additive":
        q = h @ p["att.Wq"]                                              # [B,A]
        scores = tf.reduce_sum(p["att.v"] * tf.tanh(q[:, None, :] + keys), axis=-1)
    else:
        scores = tf.reduce_sum(h[:, None, :] * keys, axis=-1)           # [B,S]
    scores = tf.where(live > 0, scores, tf.constant(-np.inf, f64))
    alpha = tf.nn.softmax(scores, axis=-1)
    ctx = tf.reduce_sum(alpha[:, :, None] * memory, axis=1)
    return alpha, tf.tanh(tf.concat([ctx, h], axis=1) @ p["att.Wc"])


def forward(s, p, src_read, dec_in, tgt):
    """Loss and every intermediate the fixture needs, for params p (tensors or variables)."""
    d = s["decoder"]
    hs, cs, finals, finals_c, memory, live = encode(s, p, src_read)
    keys = {"additive": lambda: memory @ p["att.Wk"], "general": lambda: memory @ p["att.Wk"], "dot": lambda: memory}.get(s["attention"], lambda: None)()
    h, c = bridge(s, p, finals, finals_c)
    feed = tf.zeros((B, d["hiddenSize"]), f64)
    dec_h = [[None] * T for _ in range(d["layers"])]
    dec_c = [[None] * T for _ in range(d["layers"])]
    alphas, logits = [], []
    for t in range(T):
        x = tf.gather(p["tgt.embedding"], dec_in[:, t])
        if s["inputFeeding"]:
            x = tf.concat([x, feed], axis=1)
        for l in range(d["layers"]):
            h[l], c[l] = cell_step(d["cell"], p, f"dec.l{l}", x, h[l], c[l])
            dec_h[l][t], dec_c[l][t] = h[l], c[l]
            x = h[l]
        if s["attention"] != "none":
            alpha, x = attend(s, p, x, memory, keys, live)
            alphas.append(alpha)
            feed = x
        logits.append(x @ p["out.Wy"] + p["out.by"])
    logits = tf.stack(logits, axis=1)                                   # [B,T,V]
    weight = tf.constant((tgt != 0).astype(np.float64))
    nll = -tf.gather(tf.nn.log_softmax(logits, axis=-1), tgt, axis=2, batch_dims=2)
    loss = tf.reduce_sum(weight * nll) / tf.reduce_sum(weight)
    return loss, {"enc_h": hs, "enc_c": cs, "dec_h": dec_h, "dec_c": dec_c, "alpha": tf.stack(alphas, axis=1) if alphas else None, "logits": logits}


def run_reference(s, p_used, src, tgt):
    names = [n for n, _ in layout(s)]
    var = {n: tf.Variable(p_used[n], dtype=f64) for n in names}
    src_read, dec_in = reading_order(s, src), decoder_inputs(s, tgt)
    with tf.GradientTape(persistent=True) as tape:
        loss, rec = forward(s, var, src_read, dec_in, tgt)
    dense = lambda g: tf.convert_to_tensor(g).numpy()  # embedding gradients arrive as IndexedSlices
    grads = {n: dense(g) for n, g in zip(names, tape.gradient(loss, [var[n] for n in names]))}

    def norms(tensors):
        gs = tape.gradient(loss, tensors, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return [float(np.linalg.norm(dense(g))) for g in gs]

    to_pos = (lambda a: a[..., ::-1]) if s["reverseSource"] else (lambda a: a)
    enc_norm = [[list(to_pos(np.array(norms(steps)))) for steps in per_dir] for per_dir in rec["enc_h"]]
    dec_norm = [norms(steps) for steps in rec["dec_h"]]
    enc_c_norm = [[list(to_pos(np.array(norms(steps)))) for steps in per_dir] for per_dir in rec["enc_c"]] if s["encoder"]["cell"] == "lstm" else None
    dec_c_norm = [norms(steps) for steps in rec["dec_c"]] if s["decoder"]["cell"] == "lstm" else None
    del tape
    by_position = (lambda a: a[:, ::-1, :]) if s["reverseSource"] else (lambda a: a)   # [B,S,H]
    enc_hidden = [[by_position(np.stack([h.numpy() for h in steps], axis=1)) for steps in per_dir] for per_dir in rec["enc_h"]]
    return {
        "loss": float(loss.numpy()), "grads": grads, "encDhNorm": enc_norm, "decDhNorm": dec_norm,
        "encDcNorm": enc_c_norm, "decDcNorm": dec_c_norm,
        "attention": None if rec["alpha"] is None else to_pos(rec["alpha"].numpy()),
        "alpha_read": None if rec["alpha"] is None else rec["alpha"].numpy(),
        "encHidden": enc_hidden,
        "decHidden": [np.stack([h.numpy() for h in steps], axis=1) for steps in rec["dec_h"]],
        "logits": rec["logits"].numpy(),
    }


def finite_diff_check(s, p_used, src, tgt, grads, rng, k=3, eps=1e-6):
    src_read, dec_in = reading_order(s, src), decoder_inputs(s, tgt)
    loss_at = lambda q: float(forward(s, {n: tf.constant(v) for n, v in q.items()}, src_read, dec_in, tgt)[0].numpy())
    worst = 0.0
    for name, _ in layout(s):
        flat = p_used[name].reshape(-1)
        for idx in rng.choice(flat.size, size=min(k, flat.size), replace=False):
            q = {n: v.copy() for n, v in p_used.items()}
            q[name].reshape(-1)[idx] += eps
            lp = loss_at(q)
            q[name].reshape(-1)[idx] -= 2 * eps
            lm = loss_at(q)
            an = grads[name].reshape(-1)[idx]
            worst = max(worst, abs((lp - lm) / (2 * eps) - an) / max(1.0, abs(an)))
    return worst


# ---------------------------------------------------------------- (2) the Keras functional model
class KerasSeq2seq:
    """The same network from Keras layers; `bind` maps each of our parameter names to (variable, row)."""

    def __init__(self, s):
        self.s, self.bind = s, {}
        e, d = s["encoder"], s["decoder"]
        self.src_in = keras.Input((S,), dtype="int32", name="source")
        self.dec_in = keras.Input((T,), dtype="int32", name="decoder_input")
        memory, finals_h, finals_c = self._encoder()
        h0, c0 = self._bridge(finals_h, finals_c)
        emb = keras.layers.Embedding(s["targetVocab"], s["targetEmbed"], dtype="float64")
        self._var("tgt.embedding", lambda: emb.embeddings)
        y = emb(self.dec_in)
        self.src_mask = keras.ops.not_equal(self.src_in, 0)
        self.out = keras.layers.Dense(s["targetVocab"], dtype="float64")
        self._var("out.Wy", lambda: self.out.kernel)
        self._var("out.by", lambda: self.out.bias)
        if s["attention"] != "none":
            self._attention_layers(memory)
        if s["inputFeeding"]:
            logits, scores = self._decoder_unrolled(y, h0, c0)
        else:
            logits, scores = self._decoder_layers(y, h0, c0)
        self.model = keras.Model([self.src_in, self.dec_in], [logits] + ([scores] if scores is not None else []))

    def _var(self, name, get, row=None):
        self.bind[name] = (get, row)

    def _rnn(self, cell, H, layer_kind=True, **kw):
        extra = {"reset_after": True} if cell == "gru" else {}
        if layer_kind:
            cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}[cell]
            return cls(H, dtype="float64", **extra, **kw)
        cls = {"lstm": keras.layers.LSTMCell, "gru": keras.layers.GRUCell, "rnn": keras.layers.SimpleRNNCell}[cell]
        return cls(H, dtype="float64", **extra)

    def _bind_cell(self, prefix, get_cell, cell):
        self._var(f"{prefix}.Wx", lambda: get_cell().kernel)
        self._var(f"{prefix}.Wh", lambda: get_cell().recurrent_kernel)
        if cell == "gru":  # Keras keeps GRU's input and recurrent biases as the two rows of one [2, 3H] bias
            self._var(f"{prefix}.b", lambda: get_cell().bias, 0)
            self._var(f"{prefix}.bh", lambda: get_cell().bias, 1)
        else:
            self._var(f"{prefix}.b", lambda: get_cell().bias)

    def _encoder(self):
        s, e = self.s, self.s["encoder"]
        emb = keras.layers.Embedding(s["sourceVocab"], s["sourceEmbed"], mask_zero=True, dtype="float64")
        self._var("src.embedding", lambda: emb.embeddings)
        x = emb(self.src_in)
        n = 2 if e["cell"] == "lstm" else 1
        finals_h, finals_c = [], []
        for l in range(e["layers"]):
            rnn = self._rnn(e["cell"], e["hiddenSize"], return_sequences=True, return_state=True)
            if e["bidirectional"]:
                layer = keras.layers.Bidirectional(rnn, merge_mode="concat", dtype="float64")
                outs = layer(x)
                fwd, bwd = outs[1:1 + n], outs[1 + n:1 + 2 * n]
                finals_h.append(keras.layers.Concatenate()([fwd[0], bwd[0]]))
                finals_c.append(keras.layers.Concatenate()([fwd[1], bwd[1]]) if n == 2 else None)
                self._bind_cell(f"enc.l{l}.fwd", lambda layer=layer: layer.forward_layer.cell, e["cell"])
                self._bind_cell(f"enc.l{l}.bwd", lambda layer=layer: layer.backward_layer.cell, e["cell"])
            else:
                outs = rnn(x)
                finals_h.append(outs[1])
                finals_c.append(outs[2] if n == 2 else None)
                self._bind_cell(f"enc.l{l}", lambda rnn=rnn: rnn.cell, e["cell"])
            x = outs[0]
        return x, finals_h, finals_c

    def _bridge(self, finals_h, finals_c):
        s, Hd = self.s, self.s["decoder"]["hiddenSize"]
        h0, c0 = [], []
        for l in range(s["decoder"]["layers"]):
            for which, finals, out in (("h", finals_h, h0), ("c", finals_c, c0)):
                if which == "c" and not hands_over_cell(s):
                    out.append(keras.ops.zeros_like(h0[l]))
                elif bridged(s):
                    dense = keras.layers.Dense(Hd, activation="tanh", dtype="float64")
                    out.append(dense(finals[l]))
                    self._var(f"bridge.l{l}.W{which}", lambda dense=dense: dense.kernel)
                    self._var(f"bridge.l{l}.b{which}", lambda dense=dense: dense.bias)
                else:
                    out.append(finals[l])
        return h0, c0

    def _attention_layers(self, memory):
        s, Hd, A = self.s, self.s["decoder"]["hiddenSize"], self.s["attentionSize"]
        self.memory, self.keys, self.query = memory, memory, None
        if s["attention"] == "additive":
            q, k = keras.layers.Dense(A, use_bias=False, dtype="float64"), keras.layers.Dense(A, use_bias=False, dtype="float64")
            self.query, self.keys = q, k(memory)
            self.att = keras.layers.AdditiveAttention(use_scale=True, dtype="float64")
            self._var("att.Wq", lambda: q.kernel)
            self._var("att.Wk", lambda: k.kernel)
            self._var("att.v", lambda: self.att.scale)
        else:
            if s["attention"] == "general":
                k = keras.layers.Dense(Hd, use_bias=False, dtype="float64")
                self.keys = k(memory)
                self._var("att.Wk", lambda: k.kernel)
            self.att = keras.layers.Attention(dtype="float64")
        self.wc = keras.layers.Dense(Hd, activation="tanh", use_bias=False, dtype="float64")
        self._var("att.Wc", lambda: self.wc.kernel)

    def _attend(self, h):
        """h [B, t, Hd] → (h~ [B, t, Hd], α [B, t, S])."""
        q = self.query(h) if self.query is not None else h
        ctx, scores = self.att([q, self.memory, self.keys], mask=[None, self.src_mask], return_attention_scores=True)
        return self.wc(keras.layers.Concatenate()([ctx, h])), scores

    def _decoder_layers(self, y, h0, c0):
        d = self.s["decoder"]
        for l in range(d["layers"]):
            rnn = self._rnn(d["cell"], d["hiddenSize"], return_sequences=True)
            y = rnn(y, initial_state=[h0[l], c0[l]] if d["cell"] == "lstm" else [h0[l]])
            self._bind_cell(f"dec.l{l}", lambda rnn=rnn: rnn.cell, d["cell"])
        if self.s["attention"] == "none":
            return self.out(y), None
        ht, scores = self._attend(y)
        return self.out(ht), scores

    def _decoder_unrolled(self, y, h0, c0):
        """Input feeding: step t reads [u_t; h~_{t−1}], so the decoder is unrolled with the layers' cells."""
        d = self.s["decoder"]
        cells = [self._rnn(d["cell"], d["hiddenSize"], layer_kind=False) for _ in range(d["layers"])]
        for l, cell in enumerate(cells):
            self._bind_cell(f"dec.l{l}", lambda cell=cell: cell, d["cell"])
        states = [[h0[l], c0[l]] if d["cell"] == "lstm" else [h0[l]] for l in range(d["layers"])]
        feed = keras.ops.zeros_like(h0[0])
        logits, scores = [], []
        for t in range(T):
            x = keras.layers.Concatenate()([y[:, t], feed])
            for l, cell in enumerate(cells):
                x, states[l] = cell(x, states[l])
            ht, sc = self._attend(keras.ops.expand_dims(x, 1))
            feed = ht[:, 0]
            logits.append(self.out(ht))
            scores.append(sc)
        return keras.layers.Concatenate(axis=1)(logits), keras.layers.Concatenate(axis=1)(scores)

    def set_params(self, p):
        by_var = {}
        for name, (get, row) in self.bind.items():
            v = get()
            cur = by_var.setdefault(id(v), (v, np.array(v.numpy())))[1]
            if row is None:
                cur[...] = p[name].reshape(cur.shape)
            else:
                cur[row] = p[name]
        for v, value in by_var.values():
            v.assign(value)

    def loss_grads(self, src_read, dec_in, tgt):
        names = list(self.bind)
        variables = list({id(get()): get() for get, _ in self.bind.values()}.values())
        with tf.GradientTape() as tape:
            outs = self.model([tf.constant(src_read), tf.constant(dec_in)])
            outs = outs if isinstance(outs, (list, tuple)) else [outs]   # a one-output model returns the tensor
            logits = outs[0]
            weight = tf.constant((tgt != 0).astype(np.float64))
            nll = -tf.gather(tf.nn.log_softmax(logits, axis=-1), tgt, axis=2, batch_dims=2)
            loss = tf.reduce_sum(weight * nll) / tf.reduce_sum(weight)
        gs = tape.gradient(loss, [v.value for v in variables])
        g_by_var = {id(v): tf.convert_to_tensor(g).numpy() for v, g in zip(variables, gs)}
        grads = {}
        for name in names:
            get, row = self.bind[name]
            g = g_by_var[id(get())]
            grads[name] = g if row is None else g[row]
        return float(loss.numpy()), grads, (outs[1].numpy() if len(outs) > 1 else None)


def keras_check(s, p_used, src, tgt, ref):
    """Max differences between the Keras functional model and the unrolled reference: loss, gradients, α."""
    k = KerasSeq2seq(s)
    missing = {n for n, _ in layout(s)} ^ set(k.bind)
    assert not missing, f"Keras model and layout disagree on {sorted(missing)}"
    k.set_params(p_used)
    loss, grads, scores = k.loss_grads(reading_order(s, src), decoder_inputs(s, tgt), tgt)
    d_grad = max(float(np.max(np.abs(grads[n].reshape(-1) - ref["grads"][n].reshape(-1)))) for n, _ in layout(s))
    d_att = 0.0 if scores is None else float(np.max(np.abs(scores - ref["alpha_read"])))
    return {"loss": abs(loss - ref["loss"]), "grads": d_grad, "attention": d_att}


# ---------------------------------------------------------------- fixture files
def rnd(v, digits=6):
    return float(f"{float(v):.{digits}g}")


def flat(a, digits=6):
    a = np.asarray(a)
    if np.issubdtype(a.dtype, np.integer):
        return [int(v) for v in a.reshape(-1)]
    return [rnd(v, digits) for v in a.reshape(-1)]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; writing to {os.path.relpath(OUT_DIR, ROOT)}")
    ok = True
    for i, s in enumerate(cases()):
        name = case_name(s)
        rng = np.random.default_rng(14_000 + i)
        written, used = make_params(s, rng)
        src, tgt = make_batch(s, rng)
        ref = run_reference(s, used, src, tgt)
        kd = keras_check(s, used, src, tgt, ref)
        fd = finite_diff_check(s, used, src, tgt, ref["grads"], rng)
        if max(kd.values()) > KERAS_TOL or fd > 1e-6:
            ok = False
        fixture = {
            "case": name, "tf_version": tf.__version__, "keras_version": keras.__version__,
            "keras_layers": "inputFeeding: decoder unrolled with cells" if s["inputFeeding"] else "decoder RNN layer over the whole target",
            "spec": s, "batch": B, "sourceLength": S, "targetLength": T,
            "params": {n: [float(v) for v in written[n].reshape(-1)] for n, _ in layout(s)},
            "source": flat(src), "target": flat(tgt),
            "loss": rnd(ref["loss"], 10),
            "grads": {n: flat(ref["grads"][n]) for n, _ in layout(s)},
            "encDhNorm": [[flat(v) for v in per_dir] for per_dir in ref["encDhNorm"]],
            "decDhNorm": [flat(v) for v in ref["decDhNorm"]],
            **({"encDcNorm": [[flat(v) for v in per_dir] for per_dir in ref["encDcNorm"]]} if ref["encDcNorm"] else {}),
            **({"decDcNorm": [flat(v) for v in ref["decDcNorm"]]} if ref["decDcNorm"] else {}),
            "attention": [] if ref["attention"] is None else flat(ref["attention"]),
            "encHidden": [[flat(h) for h in per_dir] for per_dir in ref["encHidden"]],
            "decHidden": [flat(h) for h in ref["decHidden"]],
        }
        path = os.path.join(OUT_DIR, f"{name}.json")
        with open(path, "w") as fh:
            json.dump(fixture, fh, separators=(",", ":"))
            fh.write("\n")
        print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} B)  keras max|diff| loss {kd['loss']:.1e} "
              f"grads {kd['grads']:.1e} attention {kd['attention']:.1e}  fd rel err {fd:.1e}  loss {ref['loss']:.6f}")
    if not ok:
        sys.stderr.write(f"make_tf_seq2seq_fixtures: a sanity check failed (Keras tol {KERAS_TOL}, finite-difference tol 1e-6)\n")
        sys.exit(2)
    print("all Keras functional models agree within", KERAS_TOL)


if __name__ == "__main__":
    main()
