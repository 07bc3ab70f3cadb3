// What the browser tests, the screenshot and the measurements share: build the playground once,
// serve the static site, and drive Debian's Chromium (no browser download) with playwright-core.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { build, preview } from "vite";

export const CONFIG = fileURLToPath(new URL("../vite.config.ts", import.meta.url));

/** The Chromium that `apt-get install chromium` puts here; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Builds the static site into `outDir` (absolute), as npm run build:playground does into playground/dist. */
export async function buildPlayground(outDir: string): Promise<void> {
  // "error": rolldown reports its plugin timings as a warning on every build
  await build({ configFile: CONFIG, logLevel: "error", build: { outDir, emptyOutDir: true } });
}

/** Serves `outDir` as any static host would; resolves to its URL and a close(). */
export async function servePlayground(outDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = await preview({ configFile: CONFIG, logLevel: "warn", build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("vite preview gave no URL");
  return { url, close: () => server.close() };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: install it (as root: apt-get update && apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** The id of the page's last run (each edit, example or Run button starts one). */
export const runId = (page: Page): Promise<number> => page.evaluate(() => Number(document.body.dataset.runId ?? 0));

/** Waits until a run later than `after` has ended; resolves to "done", "failed" or "stopped". */
export async function waitForRun(page: Page, after = 0, timeout = 60_000): Promise<string | undefined> {
  await page.waitForFunction((after) => Number(document.body.dataset.runId ?? 0) > after && ["done", "failed", "stopped"].includes(document.body.dataset.run ?? ""), after, {
    timeout,
  });
  return page.evaluate(() => document.body.dataset.run);
}
