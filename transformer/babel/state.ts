// What the Babel plugin knows about the file it rewrites, and the marks it leaves on the nodes it
// made (so that a second visit of a node leaves it alone).

import type { types as BabelTypes, NodePath, PluginPass } from "@babel/core";
import type { Positions } from "./positions.js";

export type T = typeof BabelTypes;
export type Node = BabelTypes.Node;
export type Expression = BabelTypes.Expression;

export interface State extends PluginPass {
  mg: FileState | null;
}

export interface FileState {
  /** Babel's node builders, of the Babel that runs the plugin. */
  t: T;
  /** The module the helpers are imported from. */
  importSource: string;
  /** Each helper used: the module constant the calls use, and the imported binding it holds. */
  helpers: Map<string, { alias: BabelTypes.Identifier; imported: Expression }>;
  /** Whether a function of this file can be called before its module body runs (it imports a module that may import it back). */
  mayRunEarly: boolean;
  /** Helpers called through module constants. */
  moduleHelpers: Set<string>;
  /** The temporaries of the inline fast paths, by the function they belong to. */
  temporaries: Map<NodePath<BabelTypes.Function>, BabelTypes.Identifier[]>;
  program: NodePath<BabelTypes.Program>;
  positions: Positions;
  file: string;
  /**
   * What the TypeScript annotations say (read before @babel/preset-typescript strips them):
   * bindings declared as a number, string, boolean… (never a Value, if the types are right, as
   * the TypeScript transformer also trusts them), bindings declared as arrays of those, and
   * functions declared to return one.
   */
  primitive: WeakSet<Node>;
  primitiveArray: WeakSet<Node>;
  primitiveFunction: WeakSet<Node>;
}

/**
 * Expressions whose value cannot be a Value: what the plugin may leave as written. Calls the
 * plugin itself made are recorded here too (the comparisons give booleans).
 */
export const NOT_VALUE = new WeakSet<Node>();
/** The native operator of an inline fast path (`_a * _b` for two numbers): left as written. */
export const NATIVE = new WeakSet<Node>();
/** An inline fast path whose result may be a Value (its temporaries are not declared yet). */
export const MAY_BE_VALUE = new WeakSet<Node>();
/** Update expressions already checked (the check keeps the node, which Babel visits again). */
export const CHECKED = new WeakSet<Node>();
/** Member expressions the plugin wrote itself (the read and write of a compound assignment): their keys are evaluated already. */
export const GENERATED = new WeakSet<Node>();
