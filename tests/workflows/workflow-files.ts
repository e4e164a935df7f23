import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { stackFileConfig } from "../helpers/stack-config";

/** Reading the repository's workflow and stack files for the tests in this folder. */

export const repoRoot = path.resolve(__dirname, "..", "..");

export const workflowNames = ["preview", "deploy"] as const;
export type WorkflowName = (typeof workflowNames)[number];

export interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}

export interface Workflow {
  readonly file: string;
  readonly text: string;
  readonly doc: Record<string, any>;
}

export function workflowPath(name: WorkflowName): string {
  return path.join(repoRoot, ".forgejo", "workflows", `${name}.yaml`);
}

export function loadWorkflow(name: WorkflowName): Workflow {
  const file = workflowPath(name);
  const text = fs.readFileSync(file, "utf8");
  return { file, text, doc: YAML.parse(text) as Record<string, any> };
}

export function jobs(workflow: Workflow): [string, Record<string, any>][] {
  return Object.entries(workflow.doc.jobs as Record<string, Record<string, any>>);
}

export function steps(workflow: Workflow): Step[] {
  return jobs(workflow).flatMap(([, job]) => job.steps as Step[]);
}

/** One job by its id; throws when the workflow has no such job. */
export function job(workflow: Workflow, id: string): Record<string, any> & { steps: Step[] } {
  const found = (workflow.doc.jobs as Record<string, Record<string, any>>)[id];
  if (!found) throw new Error(`${path.basename(workflow.file)} has no job "${id}"`);
  return found as Record<string, any> & { steps: Step[] };
}

/** `config:` of Pulumi.<stack>.yaml. */
export function stackConfig(stack: "home" | "lab"): Record<string, any> {
  return stackFileConfig(stack);
}
