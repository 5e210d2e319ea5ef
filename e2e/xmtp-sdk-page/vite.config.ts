// Bundles page.ts for e2e/xmtp-sdk.spec.ts. The SDK's workers are ES modules that import
// the wasm bindings; Vite emits them and the .wasm from node_modules (no CDN).
import { defineConfig } from "vite";

export default defineConfig({
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 20_000 },
  logLevel: "warn",
});
