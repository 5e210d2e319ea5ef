/** A failed group change, said where it happened. */
export function ActionError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      data-testid="group-action-error"
      className="mt-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-500/10 dark:text-red-300"
    >
      {message}
    </p>
  );
}
