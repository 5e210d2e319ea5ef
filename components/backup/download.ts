/** `messenger-backup-2026-12-05.msgbackup`, in the person's local date. */
export function backupFileName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `messenger-backup-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.msgbackup`;
}

/** Hands a Blob to the browser's downloads (an object URL, revoked once the click is done). */
export function download(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
