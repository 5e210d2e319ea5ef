export { SearchIndex } from "./search-index";
export {
  search,
  MAX_QUERY_LENGTH,
  type SearchGroup,
  type SearchHit,
  type SearchOptions,
} from "./search";
export type { Snippet } from "./snippet";
