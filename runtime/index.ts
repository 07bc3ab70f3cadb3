// micrograd-ts: the runtime. Runs in any JavaScript engine (no Node imports here).

export { linspace, type Moons, type MoonsOptions, makeMoons, numpyRandom, RandomState } from "./datasets.js";
// The operator helpers that the transforms emit (not meant to be called by hand).
export {
  type AdditionResult,
  type ArithmeticResult,
  type NegationResult,
  opAdd,
  opArg,
  opArgs,
  opBitNot,
  opBitwise,
  opDiv,
  opEq,
  opGe,
  opGt,
  opKey,
  opLe,
  opLt,
  opMod,
  opMul,
  opNe,
  opNeg,
  opPlus,
  opPow,
  opSub,
  opUpdate,
  opUpdateMember,
} from "./dispatch.js";
export { DEFAULT_MAX_LABEL_LENGTH, DEFAULT_MAX_LAYOUT_SIZE, DEFAULT_MAX_NODES, Drawing, type DrawOptions, drawDot, type Rankdir, type SaveOptions } from "./draw.js";
export {
  add,
  countNodes,
  div,
  dot,
  exp,
  findNonFinite,
  IDENTITY_LIMIT,
  isForeignValue,
  isValue,
  log,
  mul,
  type NonFinite,
  neg,
  type Operand,
  pow,
  relu,
  sigmoid,
  sub,
  sumOf,
  tanh,
  topologicalOrder,
  Value,
  type ValueOptions,
} from "./engine.js";
export { type GradcheckEntry, type GradcheckOptions, type GradcheckResult, gradcheck } from "./gradcheck.js";
export { type Input, Layer, type LayerOutput, lecture, MLP, type MLPOptions, type MLPOutput, Module, Neuron, type NeuronOptions, type Nonlin } from "./nn.js";
export { pyFixed, pyRepr } from "./python/format.js";
export { print, pyStr, sum } from "./python/python.js";
export { defaultRandom, Random, random, type Seed } from "./python/random.js";
