// What an operand is to the rewrite: a Value, a number, `any`, ... The runtime's Value is
// recognised by its brand property (declared in the runtime's engine file), whatever the class
// is called, so subclasses, intersections and unions with number count.

import type * as TS from "typescript";

/** The TypeScript module (ts-patch hands over its patched instance; a default import works too). */
export type TypeScriptModule = Omit<typeof TS, "default">;

/**
 * How an operand takes part in arithmetic. "mixed": a Value or a number, the checker cannot tell
 * which (`Value | number`, a type parameter constrained to it); "generic": a type parameter
 * without a constraint (it may be a Value, a number, a string…).
 */
export type Kind = "value" | "number" | "mixed" | "generic" | "any" | "string" | "unknown" | "other";

const brandFiles = new WeakMap<TS.SourceFile, boolean>();

/** Whether the file declares the runtime's brand: `export declare const VALUE_BRAND: unique symbol`. */
export function declaresValueBrand(ts: TypeScriptModule, sf: TS.SourceFile): boolean {
  let known = brandFiles.get(sf);
  if (known === undefined) {
    known =
      sf.text.includes("VALUE_BRAND") &&
      sf.statements.some(
        (s) =>
          ts.isVariableStatement(s) &&
          s.declarationList.declarations.some(
            (d) =>
              ts.isIdentifier(d.name) && d.name.text === "VALUE_BRAND" && d.type !== undefined && ts.isTypeOperatorNode(d.type) && d.type.operator === ts.SyntaxKind.UniqueKeyword,
          ),
      );
    brandFiles.set(sf, known);
  }
  return known;
}

/** Recognises the runtime's Value by its brand property, whatever the class is called. */
export class ValueTypes {
  private readonly cache = new Map<TS.Type, Kind>();
  constructor(
    private readonly ts: TypeScriptModule,
    readonly checker: TS.TypeChecker,
  ) {}

  /** Whether the type has the `[VALUE_BRAND]` property declared in the runtime's engine file. */
  isBranded(type: TS.Type): boolean {
    const ts = this.ts;
    for (const p of this.checker.getPropertiesOfType(type)) {
      if (!String(p.escapedName).startsWith("__@VALUE_BRAND@")) continue;
      for (const d of p.declarations ?? []) {
        if (ts.isPropertyDeclaration(d) || ts.isPropertySignature(d)) {
          if (declaresValueBrand(ts, d.getSourceFile())) {
            if (ts.isClassDeclaration(d.parent)) this.valueType ??= this.checker.getTypeAtLocation(d.parent);
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The runtime's Value class instance type, once a Value has been seen. */
  private valueType: TS.Type | undefined;

  /**
   * The kind of `v.name` (or of `v.name(…)` when `call`) for a Value v: what the engine's methods
   * return (`(a * b).tanh()` is a Value, `(a * b).data` a number) before the checker can know.
   */
  memberKind(name: string, call: boolean): Kind | undefined {
    if (this.valueType === undefined) return undefined;
    const p = this.checker.getPropertyOfType(this.valueType, name);
    if (p === undefined) return undefined;
    const t = this.checker.getTypeOfSymbol(p);
    if (!call) return this.kind(t);
    const signatures = t.getCallSignatures();
    return signatures.length === 1 ? this.kind(signatures[0]!.getReturnType()) : undefined;
  }

  kind(type: TS.Type): Kind {
    let k = this.cache.get(type);
    if (k === undefined) {
      this.cache.set(type, "other"); // cuts cycles through constraints
      k = this.compute(type);
      this.cache.set(type, k);
    }
    return k;
  }

  private compute(type: TS.Type): Kind {
    const F = this.ts.TypeFlags;
    if (type.flags & F.Any) return "any";
    if (type.flags & F.Unknown) return "unknown";
    if (type.flags & (F.TypeParameter | F.Index | F.IndexedAccess | F.Conditional | F.Substitution)) {
      const c = this.checker.getBaseConstraintOfType(type);
      if (type.flags & F.TypeParameter && (c === undefined || c.flags & F.Unknown || c === type)) return "generic";
      return c && c !== type ? this.kind(c) : "other";
    }
    if (type.isUnion()) {
      const kinds = type.types.map((t) => this.kind(t));
      if (kinds.every((x) => x === "value")) return "value";
      if (kinds.every((x) => x === "number")) return "number";
      // Values and numbers: which one only the run time knows (the dispatching helper decides)
      if (kinds.every((x) => x === "value" || x === "number" || x === "mixed")) return "mixed";
      // a Value or something that is not a number (`Value | undefined`): the engine's call, whose
      // parameter types make the checker report what is wrong
      if (kinds.includes("value") || kinds.includes("mixed")) return "value";
      if (kinds.includes("string")) return "string";
      return "other";
    }
    if (type.isIntersection()) {
      if (type.types.some((t) => this.kind(t) === "value")) return "value";
    }
    if (type.flags & F.NumberLike) return "number";
    if (type.flags & F.StringLike) return "string";
    if (type.flags & F.Object || type.isIntersection()) return this.isBranded(type) ? "value" : "other";
    return "other";
  }
}

const valueTypesCache = new WeakMap<TS.TypeChecker, ValueTypes>();

/** One ValueTypes per checker: its cache is only valid for that checker's types. */
export function valueTypesFor(ts: TypeScriptModule, checker: TS.TypeChecker): ValueTypes {
  let v = valueTypesCache.get(checker);
  if (v === undefined) {
    v = new ValueTypes(ts, checker);
    valueTypesCache.set(checker, v);
  }
  return v;
}
