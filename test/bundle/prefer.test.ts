import { describe, expect, it } from "vitest";
import { parseIfNoneMatch, parsePrefer } from "../../src/bundle/prefer.ts";

describe("parsePrefer", () => {
  it.each([
    { header: "modes=snapshot,delta;wait=10", wait: 10, modes: ["snapshot", "delta"] },
    { header: "modes=snapshot,delta", wait: null, modes: ["snapshot", "delta"] },
    { header: "wait=0", wait: 0, modes: [] },
    { header: "modes=snapshot; wait=30", wait: 30, modes: ["snapshot"] },
    { header: "wait=-1", wait: null, modes: [] },
    { header: "wait=ten", wait: null, modes: [] },
    { header: undefined, wait: null, modes: [] },
  ])("parses $header", ({ header, wait, modes }) => {
    expect(parsePrefer(header)).toEqual({ waitSeconds: wait, modes });
  });
});

describe("parseIfNoneMatch", () => {
  it.each([
    { header: '"abc"', tags: ["abc"] },
    { header: 'abc, "def", W/"ghi"', tags: ["abc", "def", "ghi"] },
    { header: "", tags: [] },
    { header: undefined, tags: [] },
  ])("parses $header", ({ header, tags }) => {
    expect(parseIfNoneMatch(header)).toEqual(tags);
  });
});
