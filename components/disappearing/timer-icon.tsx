// An hourglass-like stopwatch: the app's mark for disappearing messages.
export const TimerIcon = ({ className = "h-5 w-5" }: { className?: string }) => (
  <svg
    fill="none"
    stroke="currentColor"
    strokeWidth={2}
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden
    viewBox="0 0 24 24"
    className={className}
  >
    <circle cx="12" cy="13" r="8" />
    <path d="M12 9v4l2 2" />
    <path d="M10 2h4" />
    <path d="m19 6-1.5 1.5" />
  </svg>
);
