// Lint: TypeScript-aware recommended rules. Type checking itself is `npm run typecheck`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "policies/node_modules/**", "providers/fly/dist/**", ".pulumi-state/**", "examples/**/node_modules/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: { process: "readonly", console: "readonly", __dirname: "readonly", require: "readonly", module: "readonly", setTimeout: "readonly", clearTimeout: "readonly", URL: "readonly", fetch: "readonly", AbortSignal: "readonly", Buffer: "readonly" } },
        rules: {
            // Harness and provider code handles engine payloads whose shape is only known at run time.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
        },
    },
    {
        // Plain CommonJS that runs without a build step: the sample API, the entries the Pulumi CLI starts, and the Fly
        // provider package's entry and build (the dynamic-provider host requires them with plain node).
        files: ["examples/**/*.js", "main.js", "policies/main.js", "startup/**/*.js", "providers/fly/*.js"],
        languageOptions: { globals: { __filename: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
