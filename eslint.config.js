/**
 * ESLint, run by `npm test` (and `npm run lint`) with --max-warnings 0. Type-aware rules only
 * where types matter for correctness, so the lint adds what tsc cannot see:
 *
 * - @pulumi/eslint-plugin: an Output in a plain template literal renders as a warning text, not
 *   its value; `pulumi.interpolate` or `.apply` is what works.
 * - typescript-eslint: a promise nobody awaits or handles hides its failure (a registration that
 *   never happens, a test that passes before its assertion runs).
 *
 * Style is left to the code's existing conventions; nothing here rewrites formatting.
 */
const pulumi = require("@pulumi/eslint-plugin");
const tseslint = require("typescript-eslint");

module.exports = tseslint.config(
  // tests/fixtures/lint holds one deliberate mistake per file, for tests/eslint-config.test.ts.
  { ignores: ["node_modules/**", "**/*.js", "tests/tools/plan/fixtures/**", "tests/fixtures/lint/**"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin, pulumi },
    rules: {
      "pulumi/no-output-in-template-literal": "error",
      "pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/return-await": ["error", "error-handling-correctness-only"],
    },
  },
);
