// One switch for every expected file that the tests compare against: `UPDATE=1 npx vitest run
// <files>` writes the transform fixtures' outputs (output.tspc.js, output.babel.js,
// diagnostics.json), the expected drawings (test/expected/) and the README's picture as they come
// out now. Review the diff before committing it.

/** Whether `env` asks the tests to write their expected files (UPDATE=1). */
export function updating(env: Record<string, string | undefined>): boolean {
  if (env.UPDATE_EXPECTED !== undefined) {
    throw new Error("UPDATE_EXPECTED is no longer read: UPDATE=1 updates every expected file (fixtures, drawings, the examples' pictures)");
  }
  if (env.UPDATE !== undefined && env.UPDATE !== "1" && env.UPDATE !== "0" && env.UPDATE !== "") {
    throw new Error(`UPDATE=${env.UPDATE}: set UPDATE=1 to write the expected files, or leave it unset`);
  }
  return env.UPDATE === "1";
}

/** UPDATE=1 in this run's environment. */
export const UPDATE = updating(process.env);
