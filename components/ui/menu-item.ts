import { focusRing } from "./button-styles";

/** One row of a "⋯" menu (message, conversation). */
export const menuItem = `flex w-full items-center gap-2 rounded-lg px-3 py-2 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800 ${focusRing}`;
