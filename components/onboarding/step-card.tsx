import type { ReactNode } from "react";

/** One onboarding step: progress, title, body. */
export function StepCard({
  step,
  total,
  title,
  children,
}: {
  step: number;
  total: number;
  title: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby="step-title"
      className="w-full max-w-md rounded-3xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <p className="text-sm font-medium text-indigo-600 dark:text-indigo-400">
        Step {step} of {total}
      </p>
      <div className="mt-2 flex gap-1.5" aria-hidden>
        {Array.from({ length: total }, (_, i) => (
          <span
            key={i}
            className={`h-1 flex-1 rounded-full ${i < step ? "bg-indigo-600 dark:bg-indigo-400" : "bg-zinc-200 dark:bg-zinc-700"}`}
          />
        ))}
      </div>
      <h1 id="step-title" className="mt-6 text-2xl font-semibold tracking-tight">
        {title}
      </h1>
      <div className="mt-3">{children}</div>
    </section>
  );
}
