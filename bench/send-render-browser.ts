// `npx tsx bench/send-render-browser.ts`: the browser send -> render benchmark
// (bench/browser/send-render.pw.ts) through Playwright, on the built app (`npx next build`
// first). BENCH_SEND_RENDER_ROUNDS sets the number of messages (default 40).
import { runBrowserBench } from "./browser/run-spec";

runBrowserBench("send-render");
