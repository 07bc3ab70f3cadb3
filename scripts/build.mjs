// npm run build: the ES module build with its declarations (dist/) and the CommonJS build
// (dist/cjs/) that require() users need: ts-patch, tsserver plugins, babel-jest and Jest load
// CommonJS. Then dist/.source-hash records what the build was made from (scripts/source-hash.mjs):
// the tests pack dist/ as it is only when it matches the sources.
//
// The published declarations leave out the class members tagged @internal (the engine's node
// fields `_a _b _code _page`), so that an editor does not offer them after `(a * b).`. Not with
// TypeScript's stripInternal, which would also drop two things that must stay: the brand
// `[VALUE_BRAND]`, by which the transformers and the editor plugin recognise a Value in the
// user's program, and @internal constructors (without one, a class reads as having a public
// constructor that takes no arguments).
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { sourceHash } from "./source-hash.mjs";

const ts = createRequire(import.meta.url)("typescript");

/** Whether a class member of the emitted declarations may be published. */
function published(member) {
  if (ts.isConstructorDeclaration(member)) return true;
  const name = member.name;
  if (name && ts.isComputedPropertyName(name) && ts.isIdentifier(name.expression) && ts.idText(name.expression) === "VALUE_BRAND") return true;
  return !ts.getJSDocTags(ts.getOriginalNode(member)).some((tag) => ts.idText(tag.tagName) === "internal");
}

/** afterDeclarations transformer: classes without their unpublished members. */
function withoutInternalMembers(context) {
  const visit = (node) => {
    if (ts.isClassDeclaration(node)) {
      return ts.factory.updateClassDeclaration(node, node.modifiers, node.name, node.typeParameters, node.heritageClauses, node.members.filter(published));
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => (ts.isSourceFile(file) ? ts.visitEachChild(file, visit, context) : file);
}

function build(project, transformers, outDir) {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) };
  const config = ts.getParsedCommandLineOfConfigFile(project, { outDir }, host);
  if (config.errors.length) fail(config.errors);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
  const emitted = program.emit(undefined, undefined, undefined, false, transformers);
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length) fail(diagnostics);
}

function fail(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => ts.sys.newLine };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  rmSync(staging, { recursive: true, force: true });
  process.exit(1);
}

// The build goes to a folder of its own, which then replaces dist/ whole: nothing of an earlier
// build stays (a moved or deleted module would otherwise linger in dist/ and in npm pack), and
// dist/ is never half-written.
const staging = `dist.next-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
build("tsconfig.build.json", { afterDeclarations: [withoutInternalMembers] }, staging);
build("tsconfig.cjs.json", undefined, join(staging, "cjs"));
mkdirSync(join(staging, "cjs"), { recursive: true });
writeFileSync(join(staging, "cjs", "package.json"), '{ "type": "commonjs" }\n');
writeFileSync(join(staging, ".source-hash"), sourceHash() + "\n");
const old = `dist.old-${process.pid}`;
if (existsSync("dist")) renameSync("dist", old);
renameSync(staging, "dist");
rmSync(old, { recursive: true, force: true });
