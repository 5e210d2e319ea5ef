// ContentTypeId and its string form `authority/type:major.minor` (compat: xmtp-js ContentTypeId).

import { ContentError } from "./errors";

export interface ContentTypeId {
  authorityId: string;
  typeId: string;
  versionMajor: number;
  versionMinor: number;
}

const UINT32_MAX = 0xffff_ffff;
// Authority and type may not contain the separators; versions are decimal uint32.
const CONTENT_TYPE_RE = /^([^/:\s]+)\/([^/:\s]+):(\d{1,10})\.(\d{1,10})$/;

export function contentTypeToString(t: ContentTypeId): string {
  return `${t.authorityId}/${t.typeId}:${t.versionMajor}.${t.versionMinor}`;
}

/** Strict parse; throws ContentError("invalid_content_type") naming the input. */
export function parseContentType(s: string): ContentTypeId {
  const m = CONTENT_TYPE_RE.exec(s);
  const major = m ? Number(m[3]) : NaN;
  const minor = m ? Number(m[4]) : NaN;
  if (!m || !(major <= UINT32_MAX) || !(minor <= UINT32_MAX)) {
    throw new ContentError(
      "invalid_content_type",
      `content type ${JSON.stringify(s.slice(0, 200))} is not of the form authority/type:major.minor`,
    );
  }
  return { authorityId: m[1]!, typeId: m[2]!, versionMajor: major, versionMinor: minor };
}

/** Checks a ContentTypeId from the wire (names the bad field). */
export function validateContentType(t: ContentTypeId | undefined): ContentTypeId {
  if (!t) throw new ContentError("invalid_content_type", "EncodedContent.type is missing");
  for (const field of ["authorityId", "typeId"] as const) {
    if (!t[field] || /[/:\s]/.test(t[field])) {
      throw new ContentError(
        "invalid_content_type",
        `ContentTypeId.${field} ${JSON.stringify(t[field].slice(0, 100))} must be non-empty without '/', ':' or spaces`,
      );
    }
  }
  return t;
}

/** Same authority, type and major version: minor versions are compatible by convention. */
export function codecKey(t: ContentTypeId): string {
  return `${t.authorityId}/${t.typeId}:${t.versionMajor}`;
}
