// The UI's door to the named-network list (lib/api/networks.ts): components import lib/client
// only, and this file alone keeps the node client out of the Settings page's bundle.
export { parseNetworks, type Network } from "../api/networks";
