// A setting the node cannot start with; its message names the variable.
export class ConfigError extends Error {
  readonly code = "bad_config";
  readonly retryable = false;
}
