#!/usr/bin/env python3
"""Generate TensorFlow reference-gradient fixtures for SeqLab's kernels.

Writes test/fixtures/tf-reference/<case>.json, one per case (cell x configuration).
Run with `npm run fixtures:tf` (needs `pip install tensorflow-cpu==2.21.0 numpy`).
Python/TensorFlow are only needed to regenerate fixtures; the product never uses them.

Everything is computed in float64. Weights and dense inputs are drawn as float32 values
(then widened), so the float32 parameters a TypeScript test loads are exactly the ones
TensorFlow used. The flat parameter layout follows src/trainer/model.ts (Keras layout):
  embedding [V,D]; per layer Wx [in,G*H], Wh [H,G*H], b [G*H] (GRU also bh [G*H]);
  head Wy [H,O], by [O]. Gates: LSTM i,f,g,o; GRU z,r,n (reset_after=True).
Loss, dhNorm, dcNorm definitions: docs/kernel-contract.md.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

try:
    import numpy as np
    import tensorflow as tf
except ImportError as e:  # pragma: no cover
    sys.stderr.write(
        f"make_tf_fixtures: TensorFlow/numpy not importable ({e}).\n"
        "Install them with: pip install tensorflow-cpu==2.21.0 numpy\n"
    )
    sys.exit(1)

try:
    import keras  # Keras 3 (what tf.keras is in TF >= 2.16)
except ImportError:  # pragma: no cover
    keras = tf.keras

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "tf-reference")

# Tiny shapes keep every fixture well under 60 KB.
V, D, H, T, B = 7, 4, 6, 5, 3
F = 3  # dense input features
KERAS_TOL = 1e-5

CONFIGS = [
    # (suffix, input, layers, head, loss, outputSize)
    ("tokens-xent-every-1l", "tokens", 1, "every", "xent", V),
    ("tokens-xent-every-2l", "tokens", 2, "every", "xent", V),
    ("dense-mse-last-1l", "dense", 1, "last", "mse", 2),
    ("dense-xent-last-2l", "dense", 2, "last", "xent", 4),
]
CELLS = ["rnn", "lstm", "gru"]
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def f32(a):
    """float32-representable values held as float64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def param_layout(spec):
    """Mirror of paramLayout() in src/trainer/model.ts: list of (name, shape)."""
    G, Hs = GATES[spec["cell"]], spec["hiddenSize"]
    out = []
    in_size = spec["inputSize"]
    if spec["input"] == "tokens":
        out.append(("embedding", [spec["inputSize"], spec["embedSize"]]))
        in_size = spec["embedSize"]
    for l in range(spec["layers"]):
        out.append((f"l{l}.Wx", [in_size if l == 0 else Hs, G * Hs]))
        out.append((f"l{l}.Wh", [Hs, G * Hs]))
        out.append((f"l{l}.b", [G * Hs]))
        if spec["cell"] == "gru":
            out.append((f"l{l}.bh", [G * Hs]))
    out.append(("head.Wy", [Hs, spec["outputSize"]]))
    out.append(("head.by", [spec["outputSize"]]))
    return out


def make_params(spec, rng):
    params = {}
    for name, shape in param_layout(spec):
        params[name] = f32(rng.uniform(-0.5, 0.5, size=shape))
    if spec["cell"] == "lstm":
        Hs = spec["hiddenSize"]
        for l in range(spec["layers"]):
            b = params[f"l{l}.b"]
            b[Hs:2 * Hs] = f32(b[Hs:2 * Hs] + 1.0)  # forget-gate bias (Keras unit_forget_bias); keep f32-exact
    return params


def make_data(spec, rng):
    O = spec["outputSize"]
    if spec["input"] == "tokens":
        x = rng.integers(0, spec["inputSize"], size=(B, T)).astype(np.int32)
    else:
        x = f32(rng.uniform(-1.0, 1.0, size=(B, T, spec["inputSize"])))
    ypos = (B, T) if spec["head"] == "every" else (B,)
    if spec["loss"] == "xent":
        y = rng.integers(0, O, size=ypos).astype(np.int32)
    else:
        y = f32(rng.uniform(-1.0, 1.0, size=ypos + (O,)))
    return x, y


def position_losses(spec, logits, y):
    """Per-position loss terms; logits [B,O] for one position, y its targets."""
    if spec["loss"] == "xent":
        lsm = tf.nn.log_softmax(logits, axis=-1)
        return -tf.gather(lsm, y, axis=1, batch_dims=1)  # [B]
    return tf.reduce_sum((logits - y) ** 2, axis=-1)  # [B], summed over outputs


def run_reference(spec, p, x, y):
    """Explicit-loop forward + GradientTape backward in float64."""
    cell, Hs, L = spec["cell"], spec["hiddenSize"], spec["layers"]
    O = spec["outputSize"]
    names = [n for n, _ in param_layout(spec)]
    var = {n: tf.Variable(p[n], dtype=tf.float64) for n in names}

    with tf.GradientTape(persistent=True) as tape:
        if spec["input"] == "tokens":
            seq = [tf.gather(var["embedding"], x[:, t]) for t in range(T)]
        else:
            seq = [tf.constant(x[:, t, :]) for t in range(T)]
        hs = [[None] * T for _ in range(L)]
        cs = [[None] * T for _ in range(L)]
        for l in range(L):
            Wx, Wh, b = var[f"l{l}.Wx"], var[f"l{l}.Wh"], var[f"l{l}.b"]
            h = tf.zeros((B, Hs), tf.float64)
            c = tf.zeros((B, Hs), tf.float64)
            for t in range(T):
                xt = seq[t]
                if cell == "rnn":
                    h = tf.tanh(xt @ Wx + h @ Wh + b)
                elif cell == "lstm":
                    z = xt @ Wx + h @ Wh + b
                    i = tf.sigmoid(z[:, 0 * Hs:1 * Hs])
                    f = tf.sigmoid(z[:, 1 * Hs:2 * Hs])
                    g = tf.tanh(z[:, 2 * Hs:3 * Hs])
                    o = tf.sigmoid(z[:, 3 * Hs:4 * Hs])
                    c = f * c + i * g
                    h = o * tf.tanh(c)
                    cs[l][t] = c
                else:  # gru, reset_after=True
                    zx = xt @ Wx + b
                    zh = h @ Wh + var[f"l{l}.bh"]
                    zg = tf.sigmoid(zx[:, 0:Hs] + zh[:, 0:Hs])
                    r = tf.sigmoid(zx[:, Hs:2 * Hs] + zh[:, Hs:2 * Hs])
                    n = tf.tanh(zx[:, 2 * Hs:] + r * zh[:, 2 * Hs:])
                    h = zg * h + (1.0 - zg) * n
                hs[l][t] = h
            seq = hs[l]
        Wy, by = var["head.Wy"], var["head.by"]
        logits_all = []
        if spec["head"] == "every":
            terms = []
            for t in range(T):
                lg = seq[t] @ Wy + by
                logits_all.append(lg)
                yt = y[:, t] if spec["loss"] == "xent" else y[:, t, :]
                terms.append(position_losses(spec, lg, yt))
            npos = B * T
            loss = tf.add_n([tf.reduce_sum(v) for v in terms]) / npos
            loss_last = tf.reduce_sum(terms[-1]) / B
        else:
            lg = seq[T - 1] @ Wy + by
            logits_all.append(lg)
            loss = tf.reduce_sum(position_losses(spec, lg, y)) / B
            loss_last = loss
        if spec["loss"] == "mse":
            loss = loss / O
            loss_last = loss_last / O

    def dense(g):
        return tf.convert_to_tensor(g).numpy()  # embedding grads arrive as IndexedSlices

    grads = tape.gradient(loss, [var[n] for n in names])
    grads = {n: dense(g) for n, g in zip(names, grads)}

    def norms(target, tensors):
        gs = tape.gradient(target, tensors, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return [float(np.linalg.norm(dense(g))) for g in gs]

    dh = [norms(loss, hs[l]) for l in range(L)]
    dh_last = [norms(loss_last, hs[l]) for l in range(L)]
    dc = [norms(loss, cs[l]) for l in range(L)] if cell == "lstm" else None
    del tape

    hidden = [np.stack([hs[l][t].numpy() for t in range(T)]) for l in range(L)]  # [T,B,H]
    return {
        "loss": float(loss.numpy()),
        "lossLast": float(loss_last.numpy()),
        "grads": grads,
        "dhNorm": dh,
        "dhNormLast": dh_last,
        "dcNorm": dc,
        "hidden": hidden,
        "logits": [lg.numpy() for lg in logits_all],
    }


def loss_only(spec, p, x, y):
    """Plain numpy forward loss (float64), for finite-difference spot checks."""
    cell, Hs, L, O = spec["cell"], spec["hiddenSize"], spec["layers"], spec["outputSize"]
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))
    seq = p["embedding"][x] if spec["input"] == "tokens" else x  # [B,T,*]
    for l in range(L):
        h = np.zeros((B, Hs)); c = np.zeros((B, Hs)); outs = []
        Wx, Wh, b = p[f"l{l}.Wx"], p[f"l{l}.Wh"], p[f"l{l}.b"]
        for t in range(T):
            xt = seq[:, t]
            if cell == "rnn":
                h = np.tanh(xt @ Wx + h @ Wh + b)
            elif cell == "lstm":
                z = xt @ Wx + h @ Wh + b
                i, f, g, o = sig(z[:, :Hs]), sig(z[:, Hs:2*Hs]), np.tanh(z[:, 2*Hs:3*Hs]), sig(z[:, 3*Hs:])
                c = f * c + i * g
                h = o * np.tanh(c)
            else:
                zx = xt @ Wx + b; zh = h @ Wh + p[f"l{l}.bh"]
                zg = sig(zx[:, :Hs] + zh[:, :Hs]); r = sig(zx[:, Hs:2*Hs] + zh[:, Hs:2*Hs])
                n = np.tanh(zx[:, 2*Hs:] + r * zh[:, 2*Hs:])
                h = zg * h + (1 - zg) * n
            outs.append(h)
        seq = np.stack(outs, axis=1)
    hseq = seq if spec["head"] == "every" else seq[:, -1]
    lg = hseq @ p["head.Wy"] + p["head.by"]
    if spec["loss"] == "xent":
        m = lg.max(-1, keepdims=True)
        lsm = lg - m - np.log(np.exp(lg - m).sum(-1, keepdims=True))
        return float(-np.take_along_axis(lsm, y[..., None], -1).mean())
    return float(((lg - y) ** 2).mean())


def finite_diff_check(spec, p, x, y, grads, rng, k=6, eps=1e-6):
    worst = 0.0
    for name, _ in param_layout(spec):
        flat = p[name].reshape(-1)
        for idx in rng.choice(flat.size, size=min(k, flat.size), replace=False):
            q = {n: v.copy() for n, v in p.items()}
            q[name].reshape(-1)[idx] += eps
            lp = loss_only(spec, q, x, y)
            q[name].reshape(-1)[idx] -= 2 * eps
            lm = loss_only(spec, q, x, y)
            fd = (lp - lm) / (2 * eps)
            an = grads[name].reshape(-1)[idx]
            worst = max(worst, abs(fd - an) / max(1.0, abs(an)))
    return worst


def keras_check(spec, p, x, ref):
    """Run the real Keras layers with the same weights; return max |diff| per layer + head."""
    cell, Hs, L = spec["cell"], spec["hiddenSize"], spec["layers"]
    dt = "float64"
    diffs = []
    if spec["input"] == "tokens":
        emb = keras.layers.Embedding(spec["inputSize"], spec["embedSize"], dtype=dt)
        emb.build((None, T))
        emb.set_weights([p["embedding"]])
        seq = emb(tf.constant(x))
    else:
        seq = tf.constant(x)
    for l in range(L):
        if cell == "lstm":
            layer = keras.layers.LSTM(Hs, return_sequences=True, dtype=dt)
            w = [p[f"l{l}.Wx"], p[f"l{l}.Wh"], p[f"l{l}.b"]]
        elif cell == "gru":
            layer = keras.layers.GRU(Hs, return_sequences=True, reset_after=True, dtype=dt)
            w = [p[f"l{l}.Wx"], p[f"l{l}.Wh"], np.stack([p[f"l{l}.b"], p[f"l{l}.bh"]])]
        else:
            layer = keras.layers.SimpleRNN(Hs, return_sequences=True, dtype=dt)
            w = [p[f"l{l}.Wx"], p[f"l{l}.Wh"], p[f"l{l}.b"]]
        layer.build(tuple(seq.shape))
        expect = [tuple(v.shape) for v in layer.get_weights()]
        got = [tuple(v.shape) for v in w]
        assert expect == got, f"Keras {cell} weight shapes {expect} != ours {got}"
        layer.set_weights(w)
        seq = layer(seq)  # [B,T,H]
        ours = np.transpose(ref["hidden"][l], (1, 0, 2))
        diffs.append(float(np.max(np.abs(seq.numpy() - ours))))
    head = keras.layers.Dense(spec["outputSize"], dtype=dt)
    hin = seq if spec["head"] == "every" else seq[:, -1]
    head.build(tuple(hin.shape))
    head.set_weights([p["head.Wy"], p["head.by"]])
    lg = head(hin).numpy()
    ours = np.stack(ref["logits"], axis=1) if spec["head"] == "every" else ref["logits"][0]
    diffs.append(float(np.max(np.abs(lg - ours))))
    return diffs


def rnd(v):
    return float(f"{float(v):.9g}")


def flat(a):
    a = np.asarray(a)
    if np.issubdtype(a.dtype, np.integer):
        return [int(v) for v in a.reshape(-1)]
    return [rnd(v) for v in a.reshape(-1)]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; writing to {os.path.relpath(OUT_DIR, ROOT)}")
    seed = 20240
    ok = True
    for cell in CELLS:
        for suffix, inp, layers, head, loss, out in CONFIGS:
            seed += 1
            name = f"{cell}-{suffix}"
            rng = np.random.default_rng(seed)
            spec = {
                "cell": cell,
                "input": inp,
                "inputSize": V if inp == "tokens" else F,
                "embedSize": D if inp == "tokens" else 0,
                "hiddenSize": H,
                "layers": layers,
                "outputSize": out,
                "head": head,
                "loss": loss,
                "dropout": 0,
            }
            p = make_params(spec, rng)
            x, y = make_data(spec, rng)
            for n, v in list(p.items()) + [("x", x), ("y", y)]:
                if v.dtype == np.float64:  # so Float32Array(params) in the TS tests is exactly what TF used
                    assert np.array_equal(f32(v), v), f"{name}: {n} is not float32-exact"
            ref = run_reference(spec, p, x, y)
            kd = keras_check(spec, p, x, ref)
            fd = finite_diff_check(spec, p, x, y, ref["grads"], rng)
            np_loss = loss_only(spec, p, x, y)
            if max(kd) > KERAS_TOL or fd > 1e-6 or abs(np_loss - ref["loss"]) > 1e-12:
                ok = False
            fixture = {
                "case": name,
                "tf_version": tf.__version__,
                "spec": spec,
                "batch": B,
                "steps": T,
                "params": {n: flat(p[n]) for n, _ in param_layout(spec)},
                "x": flat(x),
                "y": flat(y),
                "loss": rnd(ref["loss"]),
                "lossLast": rnd(ref["lossLast"]),
                "grads": {n: flat(ref["grads"][n]) for n, _ in param_layout(spec)},
                "dhNorm": [[rnd(v) for v in row] for row in ref["dhNorm"]],
                "dhNormLast": [[rnd(v) for v in row] for row in ref["dhNormLast"]],
            }
            if ref["dcNorm"] is not None:
                fixture["dcNorm"] = [[rnd(v) for v in row] for row in ref["dcNorm"]]
            fixture["hidden"] = [flat(hl) for hl in ref["hidden"]]
            path = os.path.join(OUT_DIR, f"{name}.json")
            with open(path, "w") as fh:
                json.dump(fixture, fh, separators=(",", ":"))
                fh.write("\n")
            kd_s = ", ".join(f"{v:.1e}" for v in kd)
            print(
                f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} B)  "
                f"keras max|diff| per layer,head: [{kd_s}]  fd-check rel err {fd:.1e}  "
                f"loss {ref['loss']:.6f} lossLast {ref['lossLast']:.6f}"
            )
    if not ok:
        sys.stderr.write(f"make_tf_fixtures: a sanity check failed (Keras tol {KERAS_TOL}, finite-diff tol 1e-6)\n")
        sys.exit(2)
    print("all Keras sanity checks within", KERAS_TOL)


if __name__ == "__main__":
    main()
