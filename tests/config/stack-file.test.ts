import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackConfigFile, readStackFileConfig, StackFileError } from "../../config/stack-file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, text);
  return full;
}

describe("config/stack-file", () => {
  it("hands values to the program as Pulumi does: text as is, objects and numbers JSON-encoded", () => {
    const f = file("Pulumi.a.yaml", "config:\n  p:name: home\n  p:size: 3\n  p:obj:\n    a: [1, 2]\n");
    expect(readStackConfigFile(f)).toStrictEqual({ "p:name": "home", "p:size": "3", "p:obj": '{"a":[1,2]}' });
    expect(readStackFileConfig(f)).toStrictEqual({ "p:name": "home", "p:size": 3, "p:obj": { a: [1, 2] } });
  });

  it("reads an empty file or one without config as no config", () => {
    expect(readStackConfigFile(file("Pulumi.empty.yaml", ""))).toStrictEqual({});
    expect(readStackConfigFile(file("Pulumi.none.yaml", "environment: [x]\n"))).toStrictEqual({});
  });

  it("names the file when it or its config is not a mapping", () => {
    const list = file("Pulumi.list.yaml", "- a\n");
    expect(() => readStackFileConfig(list)).toThrow(new StackFileError(`${list}: expected a YAML mapping`));
    const scalar = file("Pulumi.scalar.yaml", "config: 3\n");
    expect(() => readStackFileConfig(scalar)).toThrow(new StackFileError(`${scalar} config: expected a YAML mapping`));
  });
});
