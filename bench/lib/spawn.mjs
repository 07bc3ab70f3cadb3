// Runs a worker script in a fresh Node process and returns the JSON line it prints.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { here } from "./runtime.mjs";

/**
 * @param {string} worker file name in bench/lib
 * @param {string[]} args
 * @param {string[]} [nodeFlags] e.g. ["--expose-gc"]
 */
export function runWorker(worker, args, nodeFlags = []) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, join(here, worker), ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60 * 1000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${worker} ${args.join(" ")} failed: ${err.message}\n${stderr}`));
        return;
      }
      const line = stdout.trim().split("\n").pop();
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${worker} printed no JSON result: ${stdout}\n${stderr}`));
      }
    });
  });
}
