// The model description lives in src/shared (the run store and the extension read it too).
export * from '../shared/modelSpec';
