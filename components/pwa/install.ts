"use client";
import { useCallback, useSyncExternalStore } from "react";

/** Chromium's install prompt event (not in the DOM typings). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: "accepted" | "dismissed"; platform: string }>;
}

export type InstallOutcome = "accepted" | "dismissed" | "unavailable";

type State = { deferred: BeforeInstallPromptEvent | null; installed: boolean };

// Module state: `beforeinstallprompt` can fire before any component mounts, so the
// listener is attached as soon as this module loads in the browser.
let state: State = { deferred: null, installed: false };
const listeners = new Set<() => void>();
const SERVER_STATE: State = { deferred: null, installed: false };

function set(next: Partial<State>): void {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

function runningInstalled(): boolean {
  return (
    window.matchMedia?.("(display-mode: standalone)").matches === true ||
    window.matchMedia?.("(display-mode: window-controls-overlay)").matches === true ||
    (navigator as Navigator & { standalone?: boolean }).standalone === true
  );
}

if (typeof window !== "undefined") {
  state = { deferred: null, installed: runningInstalled() };
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // we offer "Install app" ourselves
    set({ deferred: event as BeforeInstallPromptEvent });
  });
  window.addEventListener("appinstalled", () => set({ deferred: null, installed: true }));
  window
    .matchMedia?.("(display-mode: standalone)")
    .addEventListener?.("change", () => set({ installed: runningInstalled() }));
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

/**
 * `canInstall`: the browser offered installation and we have not used the offer;
 * `promptInstall()` shows the browser's dialog; `installed`: running as the app or
 * installed during this visit.
 */
export function useInstallPrompt(): {
  canInstall: boolean;
  installed: boolean;
  promptInstall: () => Promise<InstallOutcome>;
} {
  const snapshot = useSyncExternalStore(
    subscribe,
    () => state,
    () => SERVER_STATE,
  );
  const promptInstall = useCallback(async (): Promise<InstallOutcome> => {
    const deferred = state.deferred;
    if (!deferred) return "unavailable";
    set({ deferred: null }); // a prompt event can be used once
    await deferred.prompt();
    const { outcome } = await deferred.userChoice;
    if (outcome === "accepted") set({ installed: true });
    return outcome;
  }, []);
  return {
    canInstall: snapshot.deferred !== null && !snapshot.installed,
    installed: snapshot.installed,
    promptInstall,
  };
}
