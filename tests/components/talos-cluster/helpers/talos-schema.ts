import * as fs from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import * as YAML from "yaml";
import { sharedDir } from "../../../../tools/shared-path";

/**
 * Validates machine-config documents against the JSON schema Talos publishes for the pinned
 * release (shared reference folder). The schema is generated from Go, so its patterns are Go
 * (RE2) regexes; `goRegExp` turns the Go-only syntax into a JavaScript RegExp.
 */

export const talosSchemaVersion = "v1.13.9";

/**
 * RE2 → JavaScript: leading inline flags (`(?i)`, `(?s)`, `(?is)`) become RegExp flags, `\A` and
 * `\z` become `^` and `$`, and POSIX classes inside brackets (`[[:alpha:]]`) become ranges.
 * Anything else in RE2 syntax that JavaScript lacks makes `new RegExp` throw, which fails the
 * test loudly instead of validating against a wrong pattern.
 */
export function goRegExp(pattern: string, flags: string): RegExp {
  let source = pattern;
  const extra = new Set<string>();
  for (let match = /^\(\?([imsU]+)\)/.exec(source); match; match = /^\(\?([imsU]+)\)/.exec(source)) {
    for (const flag of match[1]) {
      if (flag === "U") throw new Error(`Go regex flag U (ungreedy) has no JavaScript equivalent: ${pattern}`);
      extra.add(flag);
    }
    source = source.slice(match[0].length);
  }
  const posixClasses: Record<string, string> = {
    alpha: "a-zA-Z",
    digit: "0-9",
    alnum: "a-zA-Z0-9",
    upper: "A-Z",
    lower: "a-z",
    space: "\\s",
    xdigit: "0-9A-Fa-f",
    punct: "!-\\/:-@\\[-`{-~",
  };
  source = source
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$")
    .replace(/\[:(\w+):\]/g, (whole, name: string) => {
      const range = posixClasses[name];
      if (!range) throw new Error(`unknown POSIX class ${whole} in ${pattern}`);
      return range;
    });
  return new RegExp(source, [...new Set([...flags, ...extra])].join(""));
}

export type DocumentValidator = (document: unknown) => string[];

let cached: DocumentValidator | undefined;

/** Errors for one document ([] when valid), as `path: message` lines. */
export function talosDocumentValidator(): DocumentValidator {
  if (cached) return cached;
  const file = sharedDir("reference", "talos", `config.schema-${talosSchemaVersion}.json`);
  const schema = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const regExp = Object.assign((pattern: string, flags: string) => goRegExp(pattern, flags), { code: "goRegExp" });
  // strictTypes off: the generated schema puts `additionalProperties` on a string
  // (cluster.serviceAccount.key), harmless but rejected by ajv's strict type checks.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, code: { regExp } });
  // Documentation annotations the Talos schema carries for editors.
  ajv.addVocabulary(["markdownDescription", "x-intellij-html-description"]);
  addFormats(ajv);
  const validate = ajv.compile(schema);
  cached = (document) => {
    if (validate(document)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || "/"}: ${error.message}`);
  };
  return cached;
}

/** Validates every document of a multi-document YAML string; errors are prefixed with the index. */
export function validateYamlDocuments(yamlText: string): string[] {
  const validate = talosDocumentValidator();
  return YAML.parseAllDocuments(yamlText).flatMap((document, index) => {
    if (document.errors.length > 0) return document.errors.map((error) => `document ${index}: ${error.message}`);
    return validate(document.toJS()).map((line) => `document ${index}: ${line}`);
  });
}
