// drawing.save() from the built package, as a user runs it: `import { drawDot } from "micrograd-ts"`
// (ES module build) and `require("micrograd-ts")` (CommonJS build), each in a fresh Node process
// that has not loaded micrograd-ts/node, so save() must find the Node module itself.
// The runtime and node/ are compiled here into a scratch package with the repo's own build
// configs, so the test checks the sources as they are, not a stale dist/.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const pkg = mkdtempSync(join(tmpdir(), "micrograd-pkg-"));

beforeAll(() => {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: manifest.name, type: manifest.type, exports: manifest.exports }));
  symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"), "dir");
  for (const [config, outDir] of [
    ["tsconfig.build.json", "dist"],
    ["tsconfig.cjs.json", "dist/cjs"],
  ] as const) {
    const project = join(pkg, `tsconfig.${outDir.replace("/", "-")}.json`);
    writeFileSync(
      project,
      JSON.stringify({
        extends: join(root, config),
        compilerOptions: { rootDir: root, outDir: join(pkg, outDir), declaration: false, declarationMap: false, sourceMap: false },
        include: [join(root, "runtime"), join(root, "node")],
        exclude: [join(root, "**/*.test.ts")],
      }),
    );
    execFileSync(process.execPath, [tsc, "-p", project], { stdio: "pipe" });
  }
  writeFileSync(join(pkg, "dist/cjs/package.json"), '{ "type": "commonjs" }\n');
}, 120_000);

afterAll(() => rmSync(pkg, { recursive: true, force: true }));

const build = `
const a = new Value(2.0, { label: "a" }); const b = new Value(-3.0, { label: "b" });
const L = a.mul(b); L.label = "L"; L.backward();
`;

function run(file: string, source: string): string {
  writeFileSync(join(pkg, file), source);
  return execFileSync(process.execPath, [file], { cwd: pkg, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function checkOutputs(prefix: string): void {
  expect(readFileSync(join(pkg, `${prefix}.dot`), "utf8")).toContain('[label="{ a | data 2.0000 | grad -3.0000 }" shape=record]');
  expect(readFileSync(join(pkg, `${prefix}.svg`), "utf8")).toContain(">grad &#45;3.0000</text>");
  expect([...readFileSync(join(pkg, `${prefix}.png`)).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
}

test('ES modules: import { drawDot } from "micrograd-ts"; await drawDot(L).save(...)', () => {
  const out = run(
    "esm.mjs",
    `import { Value, drawDot } from "micrograd-ts";
${build}
for (const ext of ["svg", "dot", "png"]) console.log(await drawDot(L).save("esm-L." + ext));`,
  );
  expect(out.trim().split("\n")).toEqual(["svg", "dot", "png"].map((ext) => join(pkg, `esm-L.${ext}`)));
  checkOutputs("esm-L");
});

test('CommonJS: require("micrograd-ts"); await drawDot(L).save(...)', () => {
  const out = run(
    "cjs.cjs",
    `const { Value, drawDot } = require("micrograd-ts");
(async () => {
${build}
for (const ext of ["svg", "dot", "png"]) console.log(await drawDot(L).save("cjs-L." + ext));
})().catch((e) => { console.error(e); process.exit(1); });`,
  );
  expect(out.trim().split("\n")).toEqual(["svg", "dot", "png"].map((ext) => join(pkg, `cjs-L.${ext}`)));
  checkOutputs("cjs-L");
});

test("micrograd-ts/node loads from both module systems", () => {
  expect(run("node-esm.mjs", `import { saveDrawing, svgToPng } from "micrograd-ts/node"; console.log(typeof saveDrawing, typeof svgToPng);`).trim()).toBe("function function");
  expect(run("node-cjs.cjs", `const m = require("micrograd-ts/node"); console.log(typeof m.saveDrawing, typeof m.svgToPng);`).trim()).toBe("function function");
});
