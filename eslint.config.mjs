import js from "@eslint/js";
import tseslint from "typescript-eslint";
import next from "eslint-config-next";

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", ".data/**", "lib/proto/**", "next-env.d.ts", "public/sw.js", "public/sw-push.js"] }, // sw-push.js: built by scripts/build-push-worker.mjs
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...next,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // The layering of ARCHITECTURE.md, enforced.
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["react", "react-dom", "next", "next/*", "@/app/*", "@/components/*", "@/server/*", "**/app/*", "**/components/*", "**/server/*"] }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["@/lib/!(client)", "@/lib/!(client)/**", "@/server/*"] }],
    },
  },
  {
    files: ["server/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["@/app/*", "@/components/*", "@/lib/storage", "@/lib/storage/*", "@/lib/client", "@/lib/client/*"] }],
    },
  },
);
