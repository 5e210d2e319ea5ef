export default function Home() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center gap-4 p-6">
      <h1 className="text-2xl font-semibold">Messenger</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        End-to-end-encrypted messaging between wallets. The message node is running on this
        origin; the app arrives with the next release.
      </p>
    </main>
  );
}
