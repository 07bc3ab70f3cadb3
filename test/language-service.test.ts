// The editor plugin, driven through a real tsserver (typescript/lib/tsserver.js) over its
// protocol, as VS Code drives it: the plugin is loaded from the tsconfig "plugins" entry.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPlugin, locate, slice, TsServer, type Location } from "./fixtures/editor/tsserver.js";

const project = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "editor", "project");
const file = (name: string) => join(project, name);
const source = (name: string) => readFileSync(file(name), "utf8");

interface ProtocolDiagnostic {
  start: Location;
  end: Location;
  text: string;
  code: number;
  category: string;
  source?: string;
}

let server: TsServer;

beforeAll(async () => {
  server = new TsServer({ probe: installPlugin() });
  for (const name of ["values.ts", "unsupported.ts", "model.ts", "uses-model.ts"]) {
    server.notify("open", { file: file(name), projectRootPath: project });
  }
});

afterAll(async () => {
  await server?.close();
});

const diagnostics = async (name: string) => {
  const list = await server.request<ProtocolDiagnostic[]>("semanticDiagnosticsSync", { file: file(name) });
  return list.map((d) => ({ code: d.code, line: d.start.line, column: d.start.offset, text: slice(source(name), d.start, d.end), message: d.text }));
};

describe("diagnostics", () => {
  it("loads the plugin from the tsconfig plugins entry", async () => {
    await server.request("semanticDiagnosticsSync", { file: file("values.ts") });
    expect(server.log()).toContain("micrograd-ts: language service plugin enabled");
  });

  it("reports nothing on supported Value arithmetic", async () => {
    expect(await diagnostics("values.ts")).toEqual([]);
    expect(await diagnostics("model.ts")).toEqual([]);
    expect(await diagnostics("uses-model.ts")).toEqual([]);
  });

  it("reports the transformer's diagnostics for unsupported forms, where they are", async () => {
    const percent = "Operator % is not defined on a Value (micrograd has no remainder): use a.data % b for a number.";
    expect(await diagnostics("unsupported.ts")).toEqual([
      { code: 9001, line: 6, column: 15, text: "%", message: percent },
      { code: 9002, line: 7, column: 7, text: "<", message: "Values cannot be compared with <: compare their numbers, a.data < b.data." },
      {
        code: 9004,
        line: 8,
        column: 16,
        text: "+",
        message: "A Value cannot be added to a string: use a template literal (`${a}` prints Value(data=…, grad=…)) or a.data.",
      },
    ]);
  });
});
