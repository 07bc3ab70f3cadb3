// What dist/ is built from, as one hash: every file of runtime/, transformer/ and node/, the
// TypeScript configs, the build script and package.json. npm run build writes it to
// dist/.source-hash; a different hash now means dist/ is older than the sources.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FOLDERS = ["runtime", "transformer", "node"];
const FILES = ["package.json", "tsconfig.json", "tsconfig.build.json", "tsconfig.cjs.json", "scripts/build.mjs", "scripts/source-hash.mjs"];

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

export function sourceHash(root = ROOT) {
  const hash = createHash("sha256");
  const files = [...FOLDERS.flatMap((f) => filesUnder(join(root, f))), ...FILES.map((f) => join(root, f))].map((f) => relative(root, f)).sort();
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(root, file)))
      .update("\0");
  return hash.digest("hex");
}
