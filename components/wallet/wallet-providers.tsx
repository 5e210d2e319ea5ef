"use client";
import "@rainbow-me/rainbowkit/styles.css";
import { darkTheme, lightTheme, RainbowKitProvider } from "@rainbow-me/rainbowkit";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { WagmiProvider } from "wagmi";
import { makeWagmiConfig } from "./wagmi-config";

// Brought along with the providers (wallet-stack.tsx loads this module on demand).
export { ConnectWithModal } from "./connect-with-modal";

const accent = {
  accentColor: "#4f46e5",
  accentColorForeground: "white",
  borderRadius: "large" as const,
};

/** The wallet stack: only /, /onboarding and /devices load this (kept out of the signed-in pages' JS). */
export function WalletProviders({ children }: { children: ReactNode }) {
  const [config] = useState(makeWagmiConfig);
  const [queryClient] = useState(() => new QueryClient());
  return (
    <WagmiProvider config={config}>
      <QueryClientProvider client={queryClient}>
        <RainbowKitProvider
          theme={{ lightMode: lightTheme(accent), darkMode: darkTheme(accent) }}
          modalSize="compact"
          appInfo={{ appName: "Messenger" }}
        >
          {children}
        </RainbowKitProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
