// The transformer as a user gets it: the packed package installed by npm in a throwaway project
// with typescript and ts-patch (consumer.helpers.ts), and builds with the real `tspc` (ts-patch requires the
// CommonJS build through the package's exports). Also: tsc after `ts-patch install`, --incremental,
// -b and --watch, the diagnostics printed for an unsupported operator, and this repository's own
// examples compiled by tspc through the self-reference "micrograd-ts".

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { installedProject, installedVersion } from "./consumer.helpers.ts";
import { ensureDist, ROOT, scratchDir } from "./transformer-ts.helpers.ts";

const MODEL = `import { Value } from "micrograd-ts";
export function neuron(x: Value[], w: Value[], b: Value) {
  return x.reduce((s, xi, i) => s + xi * w[i]!, b);
}
export const two = new Value(2) * 1;
`;

// micrograd's README program (the fixture's, without its asserts), then a Value from another module.
const MAIN =
  readFileSync(join(ROOT, "test/fixtures/transform/micrograd-readme/input.ts"), "utf8")
    .replace(/^.*\bassert\b.*\n/gm, "")
    .replace('import { Value } from "micrograd-ts";', 'import { Value } from "micrograd-ts";\nimport { neuron, two } from "./model.js";') +
  `console.log(g.data, a.grad, b.grad);
export const n = neuron([new Value(1), new Value(-2)], [new Value(0.5), new Value(0.25)], two) * 2;
console.log(n.data);
`;

const PLAIN = `import { Value } from "micrograd-ts";
export const k = new Value(1).data * 3 + 2 ** 4 - 7 % 3;
export function area(r: number) {
  return Math.PI * r ** 2;
}
`;

const README_FIGURES = "24.7041\n138.8338\n645.5773\n24.70408163265306 138.83381924198252 645.5772594752186\n";

function tsconfig(extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      compilerOptions: {
        target: "es2022",
        module: "nodenext",
        strict: true,
        rootDir: "src",
        outDir: "dist",
        declaration: true,
        sourceMap: true,
        skipLibCheck: true,
        types: [],
        plugins: [{ transform: "micrograd-ts/transformer", transformProgram: true }],
        ...extra,
      },
      include: ["src"],
    },
    null,
    2,
  );
}

let dir: string;

function run(cmd: string[], opts: { expectFail?: boolean } = {}): string {
  const res = spawnSync(process.execPath, cmd, { cwd: dir, encoding: "utf8" });
  const out = (res.stdout ?? "") + (res.stderr ?? "");
  if (!opts.expectFail && res.status !== 0) throw new Error(`${cmd.join(" ")} failed (${res.status}):\n${out}`);
  if (opts.expectFail && res.status === 0) throw new Error(`${cmd.join(" ")} succeeded, expected a failure:\n${out}`);
  return out;
}

const tspc = (...args: string[]): string[] => ["node_modules/ts-patch/bin/tspc.js", ...args];

describe("a throwaway project that installed the packed package", () => {
  beforeAll(() => {
    dir = installedProject("tspc", [`typescript@${installedVersion("typescript")}`, `ts-patch@${installedVersion("ts-patch")}`]);
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src/model.ts"), MODEL);
    writeFileSync(join(dir, "src/main.ts"), MAIN);
    writeFileSync(join(dir, "src/plain.ts"), PLAIN);
    writeFileSync(join(dir, "tsconfig.json"), tsconfig());
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("tspc compiles with no diagnostics, the program prints micrograd's README figures, .d.ts files say Value", () => {
    expect(run(tspc())).toBe("");
    expect(run(["dist/main.js"])).toBe(README_FIGURES + "4\n");
    expect(readFileSync(join(dir, "dist/main.d.ts"), "utf8")).toContain("export declare const n: Value;");
    expect(readFileSync(join(dir, "dist/model.d.ts"), "utf8")).toContain("export declare function neuron(x: Value[], w: Value[], b: Value): Value;");
    const model = readFileSync(join(dir, "dist/model.js"), "utf8");
    expect(model).toContain('import { add, mul } from "micrograd-ts";');
    expect(model).toContain("return x.reduce((s, xi, i) => add(s, mul(xi, w[i])), b);");
    // the source map points into the file as written, on the same lines
    const map = JSON.parse(readFileSync(join(dir, "dist/model.js.map"), "utf8"));
    expect(map.sources).toEqual(["../src/model.ts"]);
  });

  test("the published types offer Value's members, not the engine's internal fields; the brand stays", () => {
    const dts = readFileSync(join(dir, "node_modules/micrograd-ts/dist/runtime/engine.d.ts"), "utf8");
    // the transformers and the editor plugin recognise a Value by its brand, in the user's program too
    expect(dts).toContain("readonly [VALUE_BRAND]: true;");
    expect(dts).toContain("export declare const VALUE_BRAND: unique symbol;");
    const ts = createRequire(join(dir, "package.json"))("typescript") as typeof import("typescript");
    const file = join(dir, "src/completions.ts");
    const text = 'import { Value } from "micrograd-ts";\nconst a = new Value(2);\na.';
    const service = ts.createLanguageService({
      getCompilationSettings: () => ({ module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, types: [] }),
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (name) => (name === file ? ts.ScriptSnapshot.fromString(text) : existsSync(name) ? ts.ScriptSnapshot.fromString(readFileSync(name, "utf8")) : undefined),
      getCurrentDirectory: () => dir,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    });
    const names = service.getCompletionsAtPosition(file, text.length, {})!.entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["backward", "data", "grad", "label", "tanh", "exp", "relu", "children", "op"]));
    expect(names.filter((n) => ["_a", "_b", "_code", "_page"].includes(n))).toEqual([]);
  });

  test("a file without Value arithmetic is emitted exactly as plain tsc emits it", () => {
    run(tspc());
    const withTransform = readFileSync(join(dir, "dist/plain.js"), "utf8");
    // plain tsc cannot type-check the operators of main.ts and model.ts, but emits every file
    expect(run(["node_modules/typescript/bin/tsc", "--outDir", "plain-out"], { expectFail: true })).toContain("error TS2365: Operator '+' cannot be applied");
    expect(withTransform).toBe(readFileSync(join(dir, "plain-out/plain.js"), "utf8"));
  });

  test("an unsupported operator fails the build with file, line, column and advice", () => {
    writeFileSync(join(dir, "src/bad.ts"), 'import { Value } from "micrograd-ts";\nconst a = new Value(2);\nexport const r = a % 2;\n');
    try {
      const out = run(tspc("--noEmit"), { expectFail: true });
      expect(out).toContain("src/bad.ts(3,20): error TS9001: Operator % is not defined on a Value (micrograd has no remainder): use a.data % b for a number.");
      expect(out).not.toContain("TS2362");
    } finally {
      rmSync(join(dir, "src/bad.ts"));
    }
  });

  test("--incremental: a second build reuses the build info, a change in one module reaches its importers", () => {
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    expect(run(tspc("--incremental", "--tsBuildInfoFile", "inc.tsbuildinfo"))).toBe("");
    expect(run(tspc("--incremental", "--tsBuildInfoFile", "inc.tsbuildinfo"))).toBe("");
    writeFileSync(join(dir, "src/model.ts"), MODEL.replace("new Value(2) * 1", "new Value(3) * 1"));
    try {
      expect(run(tspc("--incremental", "--tsBuildInfoFile", "inc.tsbuildinfo"))).toBe("");
      expect(run(["dist/main.js"])).toBe(README_FIGURES + "6\n");
    } finally {
      writeFileSync(join(dir, "src/model.ts"), MODEL);
    }
  });

  test("tsc -b builds, is up to date on the second run, and rebuilds after a change", () => {
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    writeFileSync(join(dir, "tsconfig.build.json"), tsconfig({ tsBuildInfoFile: "build.tsbuildinfo" }));
    expect(run(tspc("-b", "tsconfig.build.json"))).toBe("");
    expect(run(["dist/main.js"])).toBe(README_FIGURES + "4\n");
    expect(run(tspc("-b", "tsconfig.build.json", "-v"))).toContain("is up to date");
    writeFileSync(join(dir, "src/model.ts"), MODEL.replace("new Value(2) * 1", "new Value(5) * 1"));
    try {
      expect(run(tspc("-b", "tsconfig.build.json"))).toBe("");
      expect(run(["dist/main.js"])).toBe(README_FIGURES + "10\n");
    } finally {
      writeFileSync(join(dir, "src/model.ts"), MODEL);
    }
  });

  test("tspc --watch rewrites after each change and reports a new error, then its fix", async () => {
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    const child = spawn(process.execPath, tspc("--watch", "--preserveWatchOutput"), { cwd: dir });
    let log = "";
    child.stdout.on("data", (chunk) => (log += chunk));
    child.stderr.on("data", (chunk) => (log += chunk));
    const waitFor = async (pattern: RegExp, count: number): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while ((log.match(new RegExp(pattern, "g")) ?? []).length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor(/Found 0 errors/, 1);
      expect(run(["dist/main.js"])).toBe(README_FIGURES + "4\n");
      writeFileSync(join(dir, "src/model.ts"), MODEL.replace("new Value(2) * 1", "new Value(7) * 1"));
      await waitFor(/Found 0 errors/, 2);
      expect(run(["dist/main.js"])).toBe(README_FIGURES + "14\n");
      writeFileSync(join(dir, "src/model.ts"), MODEL + "export const less = two < 1;\n");
      await waitFor(/Found 1 error/, 1);
      expect(log).toContain("src/model.ts(6,25): error TS9002: Values cannot be compared with <");
      writeFileSync(join(dir, "src/model.ts"), MODEL);
      await waitFor(/Found 0 errors/, 3);
      expect(run(["dist/main.js"])).toBe(README_FIGURES + "4\n");
    } finally {
      child.kill();
      writeFileSync(join(dir, "src/model.ts"), MODEL);
    }
  }, 120_000);

  test("plain tsc after `ts-patch install` loads the transformer too", () => {
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    run(["node_modules/ts-patch/bin/ts-patch.js", "install", "-s"]);
    expect(run(["node_modules/typescript/bin/tsc"])).toBe("");
    expect(run(["dist/main.js"])).toBe(README_FIGURES + "4\n");
  });
});

describe("this repository's examples, compiled by tspc", () => {
  test("compile with zero diagnostics through the self-reference and run", () => {
    ensureDist();
    dir = scratchDir("mg-examples-");
    try {
      // The examples that use only what the built package exports (others wait for their part of it).
      const exportsMap = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).exports as Record<string, { types?: string }>;
      const usable = (file: string): boolean =>
        [...readFileSync(file, "utf8").matchAll(/import \{([^}]*)\} from "micrograd-ts(\/[\w-]+)?"/g)].every((m) => {
          const types = exportsMap["." + (m[2] ?? "")]?.types;
          const declared = types && existsSync(join(ROOT, types)) ? readFileSync(join(ROOT, types), "utf8") : "";
          return m[1]!.split(",").every((name) => new RegExp(`\\b${name.trim().replace(/^type /, "")}\\b`).test(declared));
        });
      cpSync(join(ROOT, "examples"), join(dir, "examples"), {
        recursive: true,
        filter: (src) => !src.endsWith(".js") && (!src.endsWith(".ts") || usable(src)),
      });
      for (const c of ["micrograd-readme", "micrograd-sanity"]) {
        cpSync(join(ROOT, "test/fixtures/transform", c, "input.ts"), join(dir, "examples", `${c}.ts`));
      }
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "es2022",
            module: "nodenext",
            strict: true,
            skipLibCheck: true,
            rootDir: ".",
            outDir: "out",
            typeRoots: [join(ROOT, "node_modules/@types")],
            types: ["node"],
            plugins: [{ transform: "micrograd-ts/transformer", transformProgram: true }],
          },
          include: ["examples"],
        }),
      );
      expect(run([join(ROOT, "node_modules/ts-patch/bin/tspc.js")])).toBe("");
      expect(run(["out/examples/micrograd-readme.js"])).toBe("24.7041\n138.8338\n645.5773\n");
      expect(run(["out/examples/micrograd-sanity.js"])).toBe("-20 46\n");
      if (existsSync(join(dir, "out/examples/backward.js"))) {
        const res = spawnSync(process.execPath, ["out/examples/backward.js"], { cwd: dir, encoding: "utf8", env: { ...process.env, MICROGRAD_OUT: join(dir, "pictures") } });
        expect(res.stderr).toBe("");
        expect(res.stdout).toContain("backward() equals the grads by hand: True");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
