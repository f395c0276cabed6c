// SeqLab's GRU as a TensorFlow.js layer class. SeqLab trains Keras' GRU with reset_after=True (TensorFlow's
// default); tf.layers.gru implements only reset_after=False (tensorflow/tfjs#5728), and the two are different
// functions of the same weights. So a GRU export holds tf.layers.rnn({ cell: SeqLabGRUCell }) (single-stream)
// or SeqLabGRU layers (encoder–decoder) and ships these classes as seqlab-gru.js, which a page loads before
// tf.loadLayersModel (it registers them by name). SeqLabGRU is an RNN layer that makes its own cell, as
// tf.layers.gru does: tf.layers.bidirectional cannot wrap tf.layers.rnn over a custom cell (its fromConfig
// replaces the cell's config by the cell in the config object both directions are built from).
//
// The source is plain JavaScript kept as text: the exporter evaluates this same text to build the model, so
// the file a page loads is the code the export tests ran.

import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backends/tfjs/tfjsRuntime';

export const GRU_CELL_CLASS = 'SeqLabGRUCell';
export const GRU_LAYER_CLASS = 'SeqLabGRU';

export const GRU_CELL_SCRIPT = String.raw`// SeqLab's GRU cell for TensorFlow.js: Keras' GRUCell with reset_after=True, the GRU SeqLab trains.
//   z = σ(x·Wz + bz + h·Uz + cz)        r = σ(x·Wr + br + h·Ur + cr)
//   n = tanh(x·Wn + bn + r ⊙ (h·Un + cn))    h' = z ⊙ h + (1 − z) ⊙ n
// Weights as Keras stores them: kernel [in, 3·units] and recurrent_kernel [units, 3·units] in gate order
// z, r, n; bias [2, 3·units], row 0 the input bias (b), row 1 the recurrent bias (c).
// Load it before tf.loadLayersModel: in a page, <script src="seqlab-gru.js"></script> after TensorFlow.js
// (it uses the global tf); in Node, require('./seqlab-gru.js')(tf).
(function (root, define) {
  if (typeof module === 'object' && module.exports) module.exports = define;
  else define(root.tf);
})(this, function (tf) {
  class SeqLabGRUCell extends tf.layers.RNNCell {
    constructor(config) {
      super(config);
      this.units = config.units;
      this.stateSize = config.units;
    }

    build(inputShape) {
      const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
      const G = 3 * this.units;
      this.kernel = this.addWeight('kernel', [shape[shape.length - 1], G], 'float32', tf.initializers.glorotUniform({}));
      this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, G], 'float32', tf.initializers.zeros());   // the model's weights replace it
      this.bias = this.addWeight('bias', [2, G], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    call(inputs) {
      return tf.tidy(() => {
        const x = inputs[0], hPrev = inputs[1];   // [batch, in], [batch, units]
        const [b, c] = tf.unstack(this.bias.read());
        const [xz, xr, xn] = tf.split(tf.add(tf.matMul(x, this.kernel.read()), b), 3, 1);
        const [hz, hr, hn] = tf.split(tf.add(tf.matMul(hPrev, this.recurrentKernel.read()), c), 3, 1);
        const z = tf.sigmoid(tf.add(xz, hz)), r = tf.sigmoid(tf.add(xr, hr));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        const h = tf.add(n, tf.mul(z, tf.sub(hPrev, n)));
        return [h, h];
      });
    }

    getConfig() {
      return Object.assign({}, super.getConfig(), { units: this.units });
    }
  }
  SeqLabGRUCell.className = '${GRU_CELL_CLASS}';
  tf.serialization.registerClass(SeqLabGRUCell);

  // tf.layers.rnn over SeqLabGRUCell, serialised by its units alone (tf.layers.gru's way)
  class SeqLabGRU extends tf.layers.RNN {
    constructor(config) {
      super(Object.assign({}, config, { cell: new SeqLabGRUCell({ units: config.units }) }));
      this.units = config.units;
    }

    getConfig() {
      return Object.assign({}, super.getConfig(), { units: this.units });
    }

    static fromConfig(cls, config) {
      return new cls(config);
    }
  }
  SeqLabGRU.className = '${GRU_LAYER_CLASS}';
  tf.serialization.registerClass(SeqLabGRU);
  return { SeqLabGRUCell: SeqLabGRUCell, SeqLabGRU: SeqLabGRU };
});
`;

export interface GruClasses {
  SeqLabGRUCell: new (config: { units: number }) => TF.layers.RNNCell;
  SeqLabGRU: new (config: { units: number; returnSequences?: boolean; returnState?: boolean; goBackwards?: boolean; name?: string }) => TF.RNN;
}

/** Evaluates GRU_CELL_SCRIPT as Node would require it: defines and registers the classes on `tf`. */
export function defineGru(tf: Tf): GruClasses {
  const module: { exports: unknown } = { exports: {} };
  new Function('module', GRU_CELL_SCRIPT)(module);
  return (module.exports as (tf: Tf) => GruClasses)(tf);
}
