import { describe, expect, it } from "vitest";
import { nodeUrlProblem } from "../storage";

describe("node URL field", () => {
  it("accepts blank (this site) and http(s) URLs", () => {
    expect(nodeUrlProblem("")).toBeUndefined();
    expect(nodeUrlProblem("http://127.0.0.1:3000")).toBeUndefined();
    expect(nodeUrlProblem("https://node.example.com/")).toBeUndefined();
  });

  it("names what is wrong otherwise", () => {
    expect(nodeUrlProblem("127.0.0.1:3000")).toMatch(/http/);
    expect(nodeUrlProblem("ftp://x")).toBe("Use an http:// or https:// URL");
    expect(nodeUrlProblem("http://x/?a=1")).toBe("Leave out ? and # parts");
  });
});
