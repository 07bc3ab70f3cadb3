// globalSetup of the integration tier: the packed package (test/consumer.helpers.ts), made once
// before the test files start, instead of by the first file that asks while the others wait on
// its lock. Cached by content across runs: a run whose sources did not change packs nothing.
import { packedTarball } from "./consumer.helpers.ts";

export default function setup(): void {
  packedTarball();
}
