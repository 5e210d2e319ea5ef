// Content types that only this client makes, from commits it processed: the thread's
// system lines ("Alice added Bob"). One arriving from a peer is a forgery naming whoever it
// likes, so receivers drop it (any version, any letter case of the names).

import type { ContentTypeId } from "./content-type";
import { ContentTypeGroupUpdated } from "./group-updated";

export const LOCAL_ONLY_CONTENT_TYPES: readonly ContentTypeId[] = [ContentTypeGroupUpdated];

export function isLocalOnlyContentType(t: ContentTypeId): boolean {
  const same = (x: string, y: string) => x.toLowerCase() === y.toLowerCase();
  return LOCAL_ONLY_CONTENT_TYPES.some(
    (r) => same(r.authorityId, t.authorityId) && same(r.typeId, t.typeId),
  );
}
