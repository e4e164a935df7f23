"use strict";
/**
 * The policy pack's entry point (package.json "main"), plain JavaScript so that it loads the same
 * way under every launcher.
 *
 * The Pulumi CLI (3.2xx) starts a policy pack through the nodejs language host's RunPlugin, which
 * runs @pulumi/pulumi's cmd/run-policy-pack with this directory as the program. That script ignores
 * PulumiPolicy.yaml's `typescript: false`, receives `nodeargs` after its own path (so they never
 * reach Node), and registers its vendored ts-node 7 for .ts files with type-checking and default
 * compiler options, using the vendored TypeScript 3.8 when no other `typescript` resolves. Loaded
 * that way, the pack's TypeScript either type-checks at every preview with options that are not
 * the project's, or fails to parse.
 *
 * So this file takes the .ts loaders off again and registers SWC (@swc-node/register) with the
 * root tsconfig, as Pulumi.yaml does for the program and `npm run plan` does for the offline plan:
 * the pack is transpiled, never type-checked at run time (`npm test` type-checks it).
 * tests/policy/analyzer-host.test.ts starts the pack exactly as the language host does.
 */
const path = require("node:path");

for (const extension of [".ts", ".tsx", ".mts", ".cts"]) delete require.extensions[extension];
process.env.SWC_NODE_PROJECT = path.join(__dirname, "..", "tsconfig.json");
require("@swc-node/register");

module.exports = require("./index.ts");
