import { ChatIcon } from "@/components/ui/icons";

/** The app mark + name, used at the top of the public screens. */
export function Brand() {
  return (
    <div className="flex items-center gap-2.5">
      <span className="inline-flex h-9 w-9 items-center justify-center rounded-xl bg-indigo-600 text-white dark:bg-indigo-500">
        <ChatIcon className="h-5 w-5" />
      </span>
      <span className="text-lg font-semibold tracking-tight">Messenger</span>
    </div>
  );
}
