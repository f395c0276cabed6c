# Keras on TensorFlow, the reference: the benchmark shape, train_on_batch in graph mode.
# usage: python3 bench/keras_step.py <lstm|gru|rnn> [steps] [hidden]
import json, os, resource, sys, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
import numpy as np
import tensorflow as tf
import keras

cell = sys.argv[1]
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
V, D, T, B = 65, 32, 64, 32
H = int(sys.argv[3]) if len(sys.argv) > 3 else 128
rng = np.random.default_rng(0)
tok = rng.integers(0, V, size=(B, T + 1))
x = tok[:, :T].astype('int32')
y = np.eye(V, dtype='float32')[tok[:, 1:]]
R = {'lstm': keras.layers.LSTM, 'gru': keras.layers.GRU, 'rnn': keras.layers.SimpleRNN}[cell]
m = keras.Sequential([keras.Input((T,), dtype='int32'), keras.layers.Embedding(V, D), R(H, return_sequences=True), keras.layers.Dense(V, activation='softmax')])
m.compile(optimizer=keras.optimizers.Adam(1e-3), loss='categorical_crossentropy')
ts = []
for i in range(3 + steps):
    t0 = time.perf_counter()
    m.train_on_batch(x, y)
    if i >= 3:
        ts.append((time.perf_counter() - t0) * 1e3)
ts.sort()
g = {'lstm': 4, 'gru': 3, 'rnn': 1}[cell]
flops = 3 * (2 * g * H * (D + H) + 2 * H * V) * B * T
med = ts[len(ts) // 2]
print(json.dumps(dict(engine='keras-tf', tf=tf.__version__, keras=keras.__version__, cell=cell, hidden=H, steps=steps, median_ms=round(med, 2),
                      gflops=round(flops / med / 1e6, 1), peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)))
