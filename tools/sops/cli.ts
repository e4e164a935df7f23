/**
 * `npm run --silent sops -- <decrypt|encrypt> ...`: the repository's SOPS tool, for machines
 * without the sops binary. Both commands use the library in lib/sops/ (what the program itself
 * decrypts with), so a file this tool writes is one the program reads.
 *
 * Exit codes: 0 success, 1 the command failed (one `sops: ...` line on stderr, no stack trace),
 * 2 usage error.
 */
import { DECRYPT_USAGE, decrypt } from "./decrypt";
import { ENCRYPT_USAGE, encrypt } from "./encrypt";

export const USAGE = `${DECRYPT_USAGE}\n${ENCRYPT_USAGE.replace("usage:", "      ")}`;

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "-h" || command === "--help" || command === "help") {
    out.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "decrypt") return decrypt(rest, out, err);
  if (command === "encrypt") return encrypt(rest, err);
  err.write(`sops: ${command ? `unknown command "${command}"` : "missing command"}\n${USAGE}\n`);
  return 2;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
