// Shared class strings: one look for every button, one visible focus ring.
export const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400";

const base = `inline-flex items-center justify-center gap-2 rounded-full font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-50 ${focusRing}`;

export const buttonStyles = {
  primary: `${base} bg-indigo-600 px-5 py-2.5 text-white hover:bg-indigo-700 dark:bg-indigo-500 dark:hover:bg-indigo-400 dark:text-white`,
  secondary: `${base} border border-zinc-300 bg-white px-5 py-2.5 text-zinc-900 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800`,
  danger: `${base} bg-red-600 px-5 py-2.5 text-white hover:bg-red-700 dark:bg-red-600 dark:hover:bg-red-500`,
  ghost: `${base} px-3 py-2 text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800`,
  icon: `${base} h-10 w-10 shrink-0 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800`,
  /** The one filled round action of a screen (e.g. "New message"). */
  iconPrimary: `${base} h-10 w-10 shrink-0 bg-indigo-600 text-white hover:bg-indigo-700 dark:bg-indigo-500 dark:hover:bg-indigo-400`,
};
