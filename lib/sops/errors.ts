/**
 * Why a SOPS file could not be decrypted. Callers branch on `code`; `message` is for people.
 *
 * Messages name the file and, where useful, a key path, but never a value, a key, an identity
 * or a MAC: they end up in CI logs and Pulumi output. (Even the computed MAC stays out: it is a
 * hash of the plaintext and would allow offline guessing of weak secrets.)
 */
export type SopsErrorCode =
  | "file-unreadable"
  | "parse-error"
  | "no-metadata"
  | "invalid-metadata"
  | "unsupported"
  | "shamir-unsupported"
  | "no-mac"
  | "no-age-recipient"
  | "no-identities"
  | "identity-file-unreadable"
  | "invalid-identity"
  | "no-matching-identity"
  | "invalid-data-key"
  | "value-decrypt-failed"
  | "mac-mismatch";

export class SopsError extends Error {
  readonly code: SopsErrorCode;
  /** The file the error is about, as the caller named it. */
  readonly file: string;
  /** The message without the file prefix. */
  readonly detail: string;

  constructor(code: SopsErrorCode, file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "SopsError";
    this.code = code;
    this.file = file;
    this.detail = detail;
  }
}

export function isSopsError(err: unknown): err is SopsError {
  return err instanceof SopsError;
}
