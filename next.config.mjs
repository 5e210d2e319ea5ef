/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // server/ is run by tsx, not bundled by Next.
  typescript: { tsconfigPath: "tsconfig.json" },
  turbopack: {},
};
export default nextConfig;
