import { describe, expect, it } from "vitest";
import { updating } from "./update.helpers.ts";

describe("the UPDATE switch", () => {
  it("is on for UPDATE=1 only", () => {
    expect(updating({ UPDATE: "1" })).toBe(true);
    expect(updating({})).toBe(false);
    expect(updating({ UPDATE: "0" })).toBe(false);
  });
  it("names the one switch when the old one or another value is given", () => {
    expect(() => updating({ UPDATE_EXPECTED: "1" })).toThrow(/UPDATE_EXPECTED is no longer read: UPDATE=1 updates every expected file/);
    expect(() => updating({ UPDATE: "yes" })).toThrow(/UPDATE=yes: set UPDATE=1/);
  });
});
