// The protocol stack (MLS, HPKE, curves) is ~120 KiB gzip: loaded after the
// shell renders instead of in every page's first-load JS.
export const loadClientModule = () => import("@/lib/client");
