/**
 * `npm run --silent sops -- decrypt <file> [--age-key-file <path>]` (tools/sops/cli.ts dispatches here).
 *
 * Prints the decrypted document as JSON (2-space indent, like `sops -d --output-type json`).
 * Exit codes: 0 success, 1 the file could not be decrypted (one `sops: <file>: <why>` line on
 * stderr, no stack trace), 2 usage error. Identities come from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
 * --age-key-file and sops' default keys.txt, merged.
 */
import { decryptFile, isSopsError } from "../../lib/sops";

export const DECRYPT_USAGE = "usage: sops decrypt <file> [--age-key-file <path>]";

type Parsed = { kind: "run"; file: string; ageKeyFile?: string } | { kind: "help" } | { kind: "usage"; problem: string };

/** The arguments after `decrypt`. */
export function parseDecryptArgs(rest: string[]): Parsed {
  let file: string | undefined;
  let ageKeyFile: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "--age-key-file") {
      ageKeyFile = rest[++i];
      if (!ageKeyFile) return { kind: "usage", problem: "--age-key-file needs a path" };
    } else if (arg.startsWith("--age-key-file=")) {
      ageKeyFile = arg.slice("--age-key-file=".length);
    } else if (arg.startsWith("-") && arg !== "-") {
      return { kind: "usage", problem: `unknown option "${arg}"` };
    } else if (file === undefined) {
      file = arg;
    } else {
      return { kind: "usage", problem: "only one file can be decrypted at a time" };
    }
  }
  if (!file) return { kind: "usage", problem: "missing the file to decrypt" };
  return { kind: "run", file, ageKeyFile };
}

/**
 * JSON.stringify's 2-space layout, extended to what decryption can return: bigint as its digits
 * (JSON has no precision limit) and bytes as base64 (what Go's encoding/json does for []byte).
 */
export function toJson(value: unknown, level = 0): string {
  const pad = "  ".repeat(level + 1);
  const end = "  ".repeat(level);
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("base64"));
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + toJson(v, level + 1)).join(",\n")}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${toJson(v, level + 1)}`).join(",\n")}\n${end}}`;
}

export async function decrypt(rest: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const args = parseDecryptArgs(rest);
  if (args.kind === "help") {
    out.write(`${DECRYPT_USAGE}\n`);
    return 0;
  }
  if (args.kind === "usage") {
    err.write(`sops: ${args.problem}; ${DECRYPT_USAGE}\n`);
    return 2;
  }
  try {
    const doc = await decryptFile(args.file, { ageKeyFile: args.ageKeyFile, ageKeyFileHint: "pass --age-key-file <path>" });
    out.write(`${toJson(doc)}\n`);
    return 0;
  } catch (e) {
    // SopsError messages already start with the file and never hold a secret. Anything else is a
    // bug: show its first line only, without a stack.
    const line = isSopsError(e) ? e.message : `${args.file}: unexpected error: ${String((e as Error)?.message ?? e).split("\n")[0]}`;
    err.write(`sops: ${line}\n`);
    return 1;
  }
}
