import type { MetadataRoute } from "next";

// The installed app opens on the conversation list; the service worker (public/sw.js)
// caches that shell so it also opens offline.
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/conversations",
    name: "Messenger",
    short_name: "Messenger",
    description: "End-to-end-encrypted messaging between wallets.",
    start_url: "/conversations",
    scope: "/",
    display: "standalone",
    orientation: "any",
    theme_color: "#4f46e5",
    background_color: "#ffffff",
    categories: ["social", "communication"],
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      {
        src: "/icons/icon-maskable-512.png",
        sizes: "512x512",
        type: "image/png",
        purpose: "maskable",
      },
    ],
  };
}
