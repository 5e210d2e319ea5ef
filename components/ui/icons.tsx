// Inline icons (no external assets). Decorative: the button around them carries the name.
type IconProps = { className?: string };
const common = {
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 2,
  strokeLinecap: "round" as const,
  strokeLinejoin: "round" as const,
  "aria-hidden": true,
  viewBox: "0 0 24 24",
};

export const ComposeIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M12 20h9" />
    <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
  </svg>
);
export const SettingsIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <circle cx="12" cy="12" r="3" />
    <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z" />
  </svg>
);
export const BackIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="m15 18-6-6 6-6" />
  </svg>
);
export const SendIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M12 19V5" />
    <path d="m5 12 7-7 7 7" />
  </svg>
);
export const CheckIcon = ({ className = "h-3.5 w-3.5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M20 6 9 17l-5-5" />
  </svg>
);
export const ClockIcon = ({ className = "h-3.5 w-3.5" }: IconProps) => (
  <svg {...common} className={className}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </svg>
);
export const AlertIcon = ({ className = "h-3.5 w-3.5" }: IconProps) => (
  <svg {...common} className={className}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 8v4M12 16h.01" />
  </svg>
);
export const CopyIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <rect x="9" y="9" width="12" height="12" rx="2" />
    <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
  </svg>
);
export const LockIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <rect x="4" y="11" width="16" height="10" rx="2" />
    <path d="M8 11V7a4 4 0 0 1 8 0v4" />
  </svg>
);
export const WalletIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M20 7H5a2 2 0 0 1 0-4h13v4" />
    <path d="M3 5v14a2 2 0 0 0 2 2h15V7" />
    <path d="M16 14h.01" />
  </svg>
);
export const BellIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
    <path d="M10.3 21a1.9 1.9 0 0 0 3.4 0" />
  </svg>
);
export const BellOffIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M6 8a6 6 0 0 1 9.3-5M18 8c0 7 3 9 3 9H9" />
    <path d="M6 8c0 7-3 9-3 9h3" />
    <path d="M10.3 21a1.9 1.9 0 0 0 3.4 0" />
    <path d="M3 3l18 18" />
  </svg>
);
export const ArrowDownIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M12 5v14" />
    <path d="m19 12-7 7-7-7" />
  </svg>
);
export const ChatIcon = ({ className = "h-6 w-6" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
  </svg>
);
export const UsersIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" />
    <circle cx="9" cy="7" r="4" />
    <path d="M22 21v-2a4 4 0 0 0-3-3.9" />
    <path d="M16 3.1a4 4 0 0 1 0 7.8" />
  </svg>
);
export const CloseIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M18 6 6 18" />
    <path d="m6 6 12 12" />
  </svg>
);
export const ShieldIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10Z" />
  </svg>
);
export const PaperclipIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
  </svg>
);
export const ReplyIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="m9 17-5-5 5-5" />
    <path d="M20 18v-2a4 4 0 0 0-4-4H4" />
  </svg>
);
export const SmileIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <circle cx="12" cy="12" r="10" />
    <path d="M8 14s1.5 2 4 2 4-2 4-2" />
    <path d="M9 9h.01M15 9h.01" />
  </svg>
);
export const FileIcon = ({ className = "h-5 w-5" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8Z" />
    <path d="M14 2v6h6" />
  </svg>
);
export const DownloadIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M12 3v12" />
    <path d="m7 10 5 5 5-5" />
    <path d="M5 21h14" />
  </svg>
);
export const MoreIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M5 12h.01M12 12h.01M19 12h.01" strokeWidth={3} />
  </svg>
);
export const PencilIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M17 3a2.8 2.8 0 0 1 4 4L7.5 20.5 2 22l1.5-5.5Z" />
  </svg>
);
export const TrashIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6" />
  </svg>
);
export const PinIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <path d="M12 17v5" />
    <path d="M9 10.8a2 2 0 0 1-1.1 1.8l-1.8.9A2 2 0 0 0 5 15.2V17h14v-1.8a2 2 0 0 0-1.1-1.8l-1.8-.9a2 2 0 0 1-1.1-1.8V7h1a2 2 0 0 0 0-4H8a2 2 0 0 0 0 4h1Z" />
  </svg>
);
export const ArchiveIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <rect x="2" y="3" width="20" height="5" rx="1" />
    <path d="M4 8v11a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8" />
    <path d="M10 12h4" />
  </svg>
);
export const SearchIcon = ({ className = "h-4 w-4" }: IconProps) => (
  <svg {...common} className={className}>
    <circle cx="11" cy="11" r="7" />
    <path d="m20 20-3.5-3.5" />
  </svg>
);
