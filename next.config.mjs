import { randomBytes } from "node:crypto";

// One id per build: the service worker is registered as /sw.js?v=<id>, so every
// new build installs a fresh worker that precaches the new app shell.
const buildId = process.env.NEXT_BUILD_ID ?? `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  generateBuildId: () => buildId,
  env: { NEXT_PUBLIC_BUILD_ID: buildId },
  turbopack: {},
};
export default nextConfig;
