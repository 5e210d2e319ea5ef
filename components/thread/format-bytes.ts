/** 1.2 MB, 340 KB, 12 bytes — for file sizes people read. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} byte${n === 1 ? "" : "s"}`;
  if (n < 1_000_000) return `${Math.round(n / 100) / 10} KB`;
  return `${Math.round(n / 100_000) / 10} MB`;
}
