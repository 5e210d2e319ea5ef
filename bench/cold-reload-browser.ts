// `npx tsx bench/cold-reload-browser.ts`: the app's cold reload of a thread of 10,000
// messages (bench/browser/cold-reload.pw.ts) through Playwright, on the built app (`npx next
// build` first). BENCH_COLD_MESSAGES (10,000) and BENCH_COLD_RELOADS (10) set its size.
import { runBrowserBench } from "./browser/run-spec";

runBrowserBench("cold-reload");
