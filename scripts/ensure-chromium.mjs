// Browser tests use Debian's Chromium (Playwright cannot download its own browser
// here). Install it when missing; say plainly what to do when we cannot.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without it, reactions and the emoji picker render as empty boxes in screenshots.
const EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";

export function ensureChromium() {
  if (existsSync(CHROMIUM) && existsSync(EMOJI_FONT)) return CHROMIUM;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!isRoot || !hasApt) {
    if (existsSync(CHROMIUM)) return CHROMIUM; // fonts are a nicety, not a reason to stop
    console.error(
      `Chromium is not at ${CHROMIUM}. Install it (Debian: apt-get install -y chromium fonts-liberation fonts-noto-color-emoji) or set CHROMIUM_PATH.`,
    );
    process.exit(1);
  }
  console.log("Installing Chromium and its fonts for the browser tests (apt-get)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  execFileSync(
    "apt-get",
    [
      "install",
      "-y",
      "--no-install-recommends",
      "chromium",
      "fonts-liberation",
      "fonts-noto-color-emoji",
    ],
    { stdio: "inherit", env },
  );
  return CHROMIUM;
}
