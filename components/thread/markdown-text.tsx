"use client";
import dynamic from "next/dynamic";

// The markdown renderer is its own chunk: most threads never need it.
export const MarkdownText = dynamic(
  () => import("@/components/content/markdown").then((m) => m.Markdown),
  { ssr: false, loading: () => <span className="opacity-60">…</span> },
);
