// micrograd-ts: the runtime. Runs in any JavaScript engine (no Node imports here).

export {
  Value,
  isValue,
  add,
  sub,
  mul,
  div,
  neg,
  pow,
  exp,
  log,
  tanh,
  relu,
  sigmoid,
  dot,
  sumOf,
  topologicalOrder,
  countNodes,
  findNonFinite,
  isForeignValue,
  IDENTITY_LIMIT,
  type Operand,
  type ValueOptions,
  type NonFinite,
} from "./engine.js";
export { Module, Neuron, Layer, MLP, lecture, type Input, type Nonlin, type NeuronOptions, type MLPOptions, type LayerOutput, type MLPOutput } from "./nn.js";
export { Random, random, defaultRandom } from "./python/random.js";
export { gradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckEntry } from "./gradcheck.js";
export { pyRepr, pyFixed } from "./python/format.js";
export { makeMoons, linspace, RandomState, numpyRandom, type MoonsOptions, type Moons } from "./datasets.js";
// The operator helpers that the transforms emit (not meant to be called by hand).
export { opAdd, opSub, opMul, opDiv, opPow, opNeg, opMod, opLt, opGt, opLe, opGe, opBitwise, opBitNot, opPlus, opEq, opNe, opUpdate, opUpdateMember, opKey, opArg, opArgs, type ArithmeticResult, type AdditionResult, type NegationResult } from "./dispatch.js";
export { print, pyStr, sum } from "./python/python.js";
export { drawDot, Drawing, DEFAULT_MAX_NODES, DEFAULT_MAX_LABEL_LENGTH, DEFAULT_MAX_LAYOUT_SIZE, type DrawOptions, type SaveOptions, type Rankdir } from "./draw.js";
