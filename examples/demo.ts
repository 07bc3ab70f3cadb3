// npm run demo: the whole walkthrough in one go. Examples 1 to 4 (the expression, backprop by
// hand, backward(), the neuron) with their pictures, then micrograd's moons demo trained with a
// progress bar, its 100 log lines and its decision boundary written to files.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import cliProgress from "cli-progress";
import { pyRepr } from "micrograd-ts";
import { decisionBoundary } from "micrograd-ts/node";
import { outPath } from "./lib/out.js";
import { moonsDemo } from "./moons.js";

const written: string[] = [];
const section = (title: string) => console.log(`\n=== ${title} ===`);

section("1. The walkthrough expression (examples/walkthrough.ts)");
await import("./walkthrough.js");
section("2. Backpropagation by hand (examples/manual-backprop.ts)");
await import("./manual-backprop.js");
section("3. The same with L.backward() (examples/backward.ts)");
await import("./backward.js");
section("4. A neuron (examples/neuron.ts)");
await import("./neuron.js");

section("6. micrograd's demo: MLP(2, [16, 16, 1]) on the moons (examples/moons.ts)");
const demo = moonsDemo();
const bar = new cliProgress.SingleBar(
  { format: "training |{bar}| step {value}/{total}  loss {loss}  accuracy {accuracy}", hideCursor: true, noTTYOutput: false },
  cliProgress.Presets.shades_classic,
);
bar.start(100, 0, { loss: "-", accuracy: "-" });
const lines: string[] = [];
for (let k = 0; k < 100; k++) {
  const s = demo.step(k);
  lines.push(s.line);
  bar.update(k + 1, { loss: s.loss.toFixed(6), accuracy: `${pyRepr(s.accuracy * 100)}%` });
}
bar.stop();
for (const k of [0, 1, 2, 10, 40, 99]) console.log(lines[k]);

const log = outPath("moons-training.txt");
await writeFile(log, lines.join("\n") + "\n");
written.push(resolve(log));
const boundary = decisionBoundary(demo.model, demo.X, demo.y, { title: "micrograd's demo: decision boundary after 100 steps" });
written.push(await boundary.save(outPath("moons-decision-boundary.svg")));
written.push(await boundary.save(outPath("moons-decision-boundary.png")));

section("Files");
console.log('The pictures of examples 1 to 4 are listed above ("wrote …"); the moons demo wrote:');
for (const path of written) console.log(`  ${path}`);
