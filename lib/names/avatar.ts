// Which ENS `avatar` text records (ENSIP-12) the app shows, as an image URL the viewer's
// browser loads in an <img>. Decided here, once, so every view shows the same thing:
// - https: URLs as they are (the image host sees the viewer's IP; Referer is never sent);
// - data:image/* URLs (no network at all), up to MAX_DATA_URL characters;
// - ipfs://<cid>[/path] through the IPFS gateway the app configures, and only then;
// - nothing else: http: (plain text, mixed content), ar:/ipns: (no gateway configured for
//   them), and NFT avatars (eip155:1/erc721:…) — those need the token's metadata fetched by
//   script (a connect-src to any host) and a check that the name's owner holds the token,
//   which viem's getEnsAvatar does not make; an unchecked NFT avatar is anyone's picture.

/** A data: avatar longer than this is not shown (a text record can hold megabytes). */
export const MAX_DATA_URL = 100_000;

const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|avif|svg\+xml)(;[a-z0-9=.+-]+)*,/i;
const IPFS = /^ipfs:\/\/(?:ipfs\/)?([a-zA-Z0-9]{46,100})(\/[^?#\s]*)?$/;

export interface AvatarPolicy {
  /** An IPFS HTTP gateway ("https://gateway.example"); without one ipfs:// avatars are not shown. */
  ipfsGateway?: string;
}

/** The URL to load for an avatar record, or undefined when this app does not show that kind. */
export function avatarUrl(
  record: string | null | undefined,
  policy: AvatarPolicy = {},
): string | undefined {
  const r = record?.trim();
  if (!r) return undefined;
  if (/^data:/i.test(r)) return r.length <= MAX_DATA_URL && DATA_IMAGE.test(r) ? r : undefined;
  const ipfs = IPFS.exec(r);
  if (ipfs) {
    const gateway = httpsOrigin(policy.ipfsGateway);
    return gateway ? `${gateway}/ipfs/${ipfs[1]}${ipfs[2] ?? ""}` : undefined;
  }
  let url: URL;
  try {
    url = new URL(r);
  } catch {
    return undefined;
  }
  return url.protocol === "https:" && !url.username && !url.password ? url.href : undefined;
}

/** The origin of an https (or loopback http) URL, for a gateway; undefined otherwise. */
function httpsOrigin(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    const loopback = u.hostname === "127.0.0.1" || u.hostname === "localhost";
    return u.protocol === "https:" || (u.protocol === "http:" && loopback) ? u.origin : undefined;
  } catch {
    return undefined;
  }
}
