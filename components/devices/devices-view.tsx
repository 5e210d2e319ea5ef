"use client";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button-styles";
import { BackIcon } from "@/components/ui/icons";
import { DeviceManager } from "./device-manager";
import { useDeviceList } from "./use-device-list";

/** `/devices`: the inbox's installations; revoking them asks the wallet (so this route carries it). */
export function DevicesView() {
  const list = useDeviceList();
  const { open } = list;

  return (
    <div className="min-h-dvh bg-zinc-50 dark:bg-zinc-950">
      <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
        <div className="mx-auto flex max-w-2xl items-center gap-2 px-2 py-2 sm:px-4">
          <Link
            href="/settings"
            aria-label="Back to settings"
            title="Back to settings"
            data-testid="back-to-settings"
            className={buttonStyles.icon}
          >
            <BackIcon className="h-6 w-6" />
          </Link>
          <h1 className="text-lg font-semibold">Devices</h1>
        </div>
      </header>
      <main className="mx-auto max-w-2xl space-y-4 px-4 py-6">
        {open.kind === "opening" ? (
          <p role="status" className="px-1 text-sm text-zinc-500 dark:text-zinc-400">
            Opening your inbox…
          </p>
        ) : open.kind === "none" ? (
          <section
            data-testid="devices-no-installation"
            className="rounded-2xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900"
          >
            <h2 className="font-semibold">Messaging isn&apos;t active in this browser</h2>
            <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
              Devices belong to an inbox. Connect your wallet and activate messaging here first,
              then you can see and manage your devices.
            </p>
            <Link href="/" className={`${buttonStyles.primary} mt-4`}>
              Get started
            </Link>
          </section>
        ) : open.kind === "failed" ? (
          <section className="rounded-2xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
            <h2 className="font-semibold">Your inbox couldn&apos;t be opened</h2>
            <p role="alert" className="mt-1 text-sm text-red-700 dark:text-red-400">
              {open.message}
            </p>
            <button
              type="button"
              className={`${buttonStyles.secondary} mt-4`}
              onClick={() => location.reload()}
            >
              Try again
            </button>
          </section>
        ) : (
          <DeviceManager
            client={open.client}
            address={open.address}
            limit={open.limit}
            devices={list.devices}
            loading={list.loading}
            listError={list.error}
            refresh={list.refresh}
          />
        )}
      </main>
    </div>
  );
}
