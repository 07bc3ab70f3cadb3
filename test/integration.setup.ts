// globalSetup of the integration tier, before its test files start:
// - dist/ built when it is not built from the sources as they are (ensureBuilt), so that no test
//   file rebuilds it while others run from it (the loader, bench/ and the consumer projects do);
// - the packed package (test/consumer.helpers.ts), made once instead of by the first file that
//   asks while the others wait on its lock. Cached by content across runs: a run whose sources
//   did not change builds and packs nothing.
import { packedTarball } from "./consumer.helpers.ts";
import { ensureBuilt } from "./transformer-babel.helpers.ts";

export default async function setup(): Promise<void> {
  await ensureBuilt();
  packedTarball();
}
