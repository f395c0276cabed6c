// Entry of dist/tfjs.js, the one bundle that holds TensorFlow.js (scripts/build.mjs): the tfjs backend
// and the TensorFlow.js export. The trainer and the CLI require it at run time, only when a run picks
// backend 'tfjs' or `seqlab export` runs, so their own bundles stay free of tfjs (1.7 MB minified).

export { dropoutMasks, TfjsBackend } from './backends/tfjs/tfjsBackend';
export { buildLayersModel, writeSeq2seqTfjs, writeTfjsModel } from './export/tfjsExport';
