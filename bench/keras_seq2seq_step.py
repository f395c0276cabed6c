# Keras on TensorFlow, the reference for the encoder-decoder row: the workload of bench/seq2seqShape.ts
# (LSTM 256 encoder and decoder, additive attention, vocab 30 -> 70, source/target 12, batch 64), the
# same functional model as scripts/fixtures/make_tf_seq2seq_fixtures.py builds, train_on_batch in graph mode.
# usage: python3 bench/keras_seq2seq_step.py [steps] [hidden]
import json, os, resource, sys, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np
import tensorflow as tf
import keras

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
H = int(sys.argv[2]) if len(sys.argv) > 2 else 256
VS, VT, E, S, T, B = 30, 70, 64, 12, 12, 64
rng = np.random.default_rng(0)
src = rng.integers(1, VS, size=(B, S)).astype('int32')
tgt = rng.integers(3, VT, size=(B, T)).astype('int32')
dec_in = np.concatenate([np.ones((B, 1), 'int32'), tgt[:, :-1]], axis=1)

s_in, d_in = keras.Input((S,), dtype='int32'), keras.Input((T,), dtype='int32')
mem, h, c = keras.layers.LSTM(H, return_sequences=True, return_state=True)(keras.layers.Embedding(VS, E, mask_zero=True)(s_in))
dec = keras.layers.LSTM(H, return_sequences=True)(keras.layers.Embedding(VT, E)(d_in), initial_state=[h, c])
q, k = keras.layers.Dense(H, use_bias=False)(dec), keras.layers.Dense(H, use_bias=False)(mem)
ctx = keras.layers.AdditiveAttention(use_scale=True)([q, mem, k])
ht = keras.layers.Dense(H, activation='tanh', use_bias=False)(keras.layers.Concatenate()([ctx, dec]))
m = keras.Model([s_in, d_in], keras.layers.Dense(VT)(ht))
m.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
ts = []
for i in range(3 + steps):
    t0 = time.perf_counter()
    loss = m.train_on_batch([src, dec_in], tgt)
    if i >= 3:
        ts.append((time.perf_counter() - t0) * 1e3)
ts.sort()
print(json.dumps(dict(engine='keras-tf', tf=tf.__version__, keras=keras.__version__, model='seq2seq lstm additive', hidden=H, steps=steps,
                      median_ms=round(ts[len(ts) // 2], 2), loss=round(float(loss), 4), threads=tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count(),
                      peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)))
