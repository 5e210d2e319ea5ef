import Link from "next/link";
import type { ReactNode } from "react";
import { buttonStyles } from "@/components/ui/button-styles";
import { BackIcon } from "@/components/ui/icons";

/** A page under the app (settings, devices, broadcast): a sticky header with back and title, then the content. */
export function SubPage(props: {
  title: string;
  back: { href: string; label: string; testId?: string };
  /** Classes of <main> beyond its width and padding (e.g. space between sections). */
  mainClassName?: string;
  children: ReactNode;
}) {
  return (
    <div className="min-h-dvh bg-zinc-50 dark:bg-zinc-950">
      <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
        <div className="mx-auto flex max-w-2xl items-center gap-2 px-2 py-2 sm:px-4">
          <Link
            href={props.back.href}
            aria-label={props.back.label}
            title={props.back.label}
            {...(props.back.testId ? { "data-testid": props.back.testId } : {})}
            className={buttonStyles.icon}
          >
            <BackIcon className="h-6 w-6" />
          </Link>
          <h1 className="text-lg font-semibold">{props.title}</h1>
        </div>
      </header>
      <main className={`mx-auto max-w-2xl px-4 py-6 ${props.mainClassName ?? ""}`.trim()}>
        {props.children}
      </main>
    </div>
  );
}
