/** "Today" / "Yesterday" / a date between runs of messages. */
export function DaySeparator({ label }: { label: string }) {
  return (
    <li className="my-4 flex justify-center">
      <span className="rounded-full bg-zinc-100 px-3 py-1 text-xs font-medium text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
        {label}
      </span>
    </li>
  );
}
