// PagingInfo rules: direction unspecified = ascending; limit 0 = 100, above 100
// clamped to 100; id_cursor exclusive (0 = from the oldest, or from the newest
// when descending).
import { create } from "@bufbuild/protobuf";
import {
  PagingInfoSchema,
  SortDirection,
  type PagingInfo,
} from "../../lib/proto/mls/api/v1/mls_pb";
import type { Page } from "../store";
import { invalidArgument } from "./errors";
import { LIMITS } from "./limits";

export function pageFrom(info: PagingInfo | undefined): Page {
  const direction = info?.direction ?? SortDirection.UNSPECIFIED;
  if (
    direction !== SortDirection.UNSPECIFIED &&
    direction !== SortDirection.ASCENDING &&
    direction !== SortDirection.DESCENDING
  ) {
    throw invalidArgument(`paging_info.direction ${direction} is not a SortDirection`);
  }
  const requested = info?.limit ?? 0;
  return {
    direction: direction === SortDirection.DESCENDING ? "desc" : "asc",
    limit: requested === 0 ? LIMITS.maxPageSize : Math.min(requested, LIMITS.maxPageSize),
    cursor: info?.idCursor ?? 0n,
  };
}

/** id_cursor = last id returned when the page is full (ask again from it), 0 when no more rows. */
export function pagingInfoFor(page: Page, ids: bigint[]): PagingInfo {
  const last = ids[ids.length - 1];
  return create(PagingInfoSchema, {
    direction: page.direction === "desc" ? SortDirection.DESCENDING : SortDirection.ASCENDING,
    limit: page.limit,
    idCursor: ids.length === page.limit && last !== undefined ? last : 0n,
  });
}
