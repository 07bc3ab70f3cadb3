// The README's picture of the playground: the neuron example, halfway through its backward
// steps, taken from the built site in Chromium.
//   npm run screenshot:playground   (writes docs/images/playground.png)
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPlayground, launchChromium, servePlayground, waitForRun } from "./browser.ts";

const target = fileURLToPath(new URL("../../docs/images/playground.png", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "playground-screenshot-"));
try {
  await buildPlayground(outDir);
  const server = await servePlayground(outDir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}#example=neuron`);
    if ((await waitForRun(page)) !== "done") throw new Error(`the neuron example did not run: ${await page.locator("#problems").innerText()}`);
    // n._backward(): the + node passes o's gradient on to its two children
    for (let i = 0; i < 3; i++) await page.click("#prev");
    await page.screenshot({ path: target });
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`wrote ${target} (${Math.round(statSync(target).size / 1024)} kB)`);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
