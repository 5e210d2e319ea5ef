import { buttonStyles } from "@/components/ui/button-styles";

/** The moment before the local database opens (usually a blink), or why it could not. */
export function StartupScreen({ error }: { error?: string }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 p-6 text-center">
      {error ? (
        <>
          <h1 className="text-lg font-semibold">Your messages couldn&apos;t be opened</h1>
          <p role="alert" className="max-w-sm text-sm text-zinc-600 dark:text-zinc-400">
            {error}
          </p>
          <button type="button" className={buttonStyles.primary} onClick={() => location.reload()}>
            Try again
          </button>
        </>
      ) : (
        <>
          <h1 className="sr-only">Messenger</h1>
          <p role="status" className="text-sm text-zinc-500 dark:text-zinc-400">
            Opening your messages…
          </p>
        </>
      )}
    </main>
  );
}
