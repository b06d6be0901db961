/** The graph builder with reverse-mode autodiff. */
export { Graph, Value, isFloat, type DType, type Dim, type FloatType, type Shape } from './graph.ts';
export * as ops from './ops.ts';
export * from './compose.ts';
export { gradients } from './autodiff.ts';
export { unbroadcast } from './broadcast.ts';
export { serialize, OPSET, type ModelSpec } from './serialize.ts';
