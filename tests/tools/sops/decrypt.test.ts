/** tools/sops: the decrypt command's arguments in-process, then the CLI end to end as a child process. */
import { spawnSync } from "node:child_process";
import { main } from "../../../tools/sops/cli";
import { parseDecryptArgs, toJson } from "../../../tools/sops/decrypt";
import { repoRoot, vector } from "../../lib/sops/helpers";

function runCli(...args: string[]) {
  // The child gets no SOPS_AGE_* and a HOME without keys, so only --age-key-file counts.
  const env = { PATH: process.env.PATH ?? "", HOME: "/nonexistent-home" };
  return spawnSync(process.execPath, ["--require", "@swc-node/register", "tools/sops/cli.ts", ...args], { cwd: repoRoot, env, encoding: "utf8" });
}

describe("parseDecryptArgs", () => {
  test.each([
    [["f.yaml"], { kind: "run", file: "f.yaml", ageKeyFile: undefined }],
    [["f.yaml", "--age-key-file", "k.txt"], { kind: "run", file: "f.yaml", ageKeyFile: "k.txt" }],
    [["--age-key-file=k.txt", "f.yaml"], { kind: "run", file: "f.yaml", ageKeyFile: "k.txt" }],
    [["--help"], { kind: "help" }],
    [[], { kind: "usage", problem: "missing the file to decrypt" }],
    [["a", "b"], { kind: "usage", problem: "only one file can be decrypted at a time" }],
    [["a", "--age-key-file"], { kind: "usage", problem: "--age-key-file needs a path" }],
    [["a", "--verbose"], { kind: "usage", problem: 'unknown option "--verbose"' }],
  ])("%j", (argv, expected) => {
    expect(parseDecryptArgs(argv)).toStrictEqual(expected);
  });
});

test("toJson is JSON.stringify's layout, plus bigint digits and base64 bytes", () => {
  const plain = { a: [1, "x", { b: null }], c: {}, d: [], e: true };
  expect(toJson(plain)).toBe(JSON.stringify(plain, null, 2));
  expect(toJson({ big: 9007199254740993n, raw: new Uint8Array([1, 2, 255]) })).toBe('{\n  "big": 9007199254740993,\n  "raw": "AQL/"\n}');
});

describe("command dispatch", () => {
  function sink() {
    const chunks: string[] = [];
    return { chunks, stream: { write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream };
  }

  test.each([[[]], [["rotate"]]])("%j is a usage error naming both commands, exit 2", async (argv) => {
    const out = sink();
    const err = sink();
    expect(await main(argv, out.stream, err.stream)).toBe(2);
    expect(err.chunks.join("")).toMatch(/^sops: (missing command|unknown command "rotate")\nusage: sops decrypt .*\n +sops encrypt /);
  });

  test("help prints both commands on stdout", async () => {
    const out = sink();
    expect(await main(["--help"], out.stream, sink().stream)).toBe(0);
    expect(out.chunks.join("")).toContain("sops encrypt <plain.yaml> <out.sops.yaml>");
  });
});

describe("end to end", () => {
  test("success: the document as 2-space JSON on stdout, exit 0", () => {
    const r = runCli("decrypt", vector("humphd-sops-age/secret.enc.yaml"), "--age-key-file", vector("humphd-sops-age/key.txt"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `${JSON.stringify(
        {
          secret: "this is a secret",
          string: "string",
          int: 7,
          float: 3.14,
          boolean: true,
          complex: { value: "this is a secret", array: ["one", "two", "three"] },
        },
        null,
        2,
      )}\n`,
    );
  });

  test("failure: exactly one 'sops: <file>: <why>' line on stderr, exit 1, no stack", () => {
    const file = vector("sops-nix/secrets.yaml");
    const r = runCli("decrypt", file, "--age-key-file", vector("humphd-sops-age/key.txt"));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n");
    expect(lines).toHaveLength(2); // one line and its newline
    expect(lines[0]).toMatch(new RegExp(`^sops: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the 1 age identity loaded .* match none of`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain("AGE-SECRET-KEY");
  });

  test("no identity at all: the hint names the CLI's own option, not the stack config key", () => {
    const r = runCli("decrypt", vector("humphd-sops-age/secret.enc.yaml"));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("or pass --age-key-file <path>");
    expect(r.stderr).not.toContain("secrets.ageKeyFile");
  });

  test("usage error: exit 2", () => {
    const r = runCli("decrypt");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("sops: missing the file to decrypt; usage: sops decrypt <file> [--age-key-file <path>]\n");
  });
});
