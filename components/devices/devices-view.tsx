"use client";
import { SubPage } from "@/components/ui/sub-page";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button-styles";
import { DeviceManager } from "./device-manager";
import { useDeviceList } from "./use-device-list";

/** `/devices`: the inbox's installations; revoking them asks the wallet (so this route carries it). */
export function DevicesView() {
  const list = useDeviceList();
  const { open } = list;

  return (
    <SubPage
      title="Devices"
      back={{ href: "/settings", label: "Back to settings", testId: "back-to-settings" }}
      mainClassName="space-y-4"
    >
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
            Devices belong to an inbox. Connect your wallet and activate messaging here first, then
            you can see and manage your devices.
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
    </SubPage>
  );
}
