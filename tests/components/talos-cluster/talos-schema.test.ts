import { goRegExp } from "./helpers/talos-schema";

/** The Go (RE2) → JavaScript pattern translation the schema validator relies on. */

test("a leading (?i) becomes the i flag", () => {
  const pattern = goRegExp("(?i)^[a-f0-9]+$", "u");
  expect(pattern.flags).toContain("i");
  expect(pattern.test("ABCDEF")).toBe(true);
  expect(pattern.test("xyz")).toBe(false);
});

test("\\A and \\z anchor like ^ and $", () => {
  const pattern = goRegExp("\\Ahttps://\\z", "u");
  expect(pattern.test("https://")).toBe(true);
  expect(pattern.test("xhttps://")).toBe(false);
});

test("POSIX classes inside brackets become ranges", () => {
  expect(goRegExp("^[[:alpha:]][[:digit:]]+$", "u").test("a12")).toBe(true);
  expect(goRegExp("^[[:alpha:]][[:digit:]]+$", "u").test("1a2")).toBe(false);
});

test("syntax JavaScript cannot express fails loudly", () => {
  expect(() => goRegExp("(?U)a+", "u")).toThrow(/ungreedy/);
  expect(() => goRegExp("[[:nope:]]", "u")).toThrow(/POSIX class/);
});
