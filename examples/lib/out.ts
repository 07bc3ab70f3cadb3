// Where the examples write their pictures: out/ in the current folder, or $MICROGRAD_OUT.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export function outPath(name: string): string {
  const dir = process.env.MICROGRAD_OUT ?? "out";
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
