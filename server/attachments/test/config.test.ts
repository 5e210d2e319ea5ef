// ATTACHMENTS_* and PUBLIC_URL from the environment: defaults and clear refusals.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config";

const load = (env: Record<string, string>) =>
  loadConfig({ DATA_DIR: "/srv/node", ...env } as unknown as NodeJS.ProcessEnv);

function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("attachments config", () => {
  it("defaults to files under DATA_DIR, 25 MiB, and URLs from the request", () => {
    const c = load({});
    expect(c.attachments).toEqual({
      store: "fs",
      maxBytes: 26_214_400,
      dir: path.resolve("/srv/node/attachments"),
    });
    expect(c.publicUrl).toBeUndefined();
  });

  it("shares blobs in PostgreSQL by default when nodes share a database", () => {
    expect(load({ DATABASE_URL: "postgres://db/x" }).attachments.store).toBe("postgres");
    expect(
      load({ DATABASE_URL: "postgres://db/x", ATTACHMENTS_STORE: "fs" }).attachments.store,
    ).toBe("fs");
  });

  it("refuses settings that cannot work, naming the variable", () => {
    expect(refusal({ ATTACHMENTS_STORE: "postgres" })).toMatch(
      /ATTACHMENTS_STORE=postgres needs DATABASE_URL/,
    );
    expect(refusal({ ATTACHMENTS_STORE: "ipfs" })).toMatch(
      /ATTACHMENTS_STORE must be one of fs, postgres, s3/,
    );
    expect(refusal({ ATTACHMENTS_MAX_BYTES: "0" })).toMatch(
      /ATTACHMENTS_MAX_BYTES must be an integer/,
    );
    expect(refusal({ PUBLIC_URL: "files.example.org" })).toMatch(
      /PUBLIC_URL must be an http\(s\) URL/,
    );
    expect(
      refusal({ ATTACHMENTS_STORE: "s3", ATTACHMENTS_S3_ENDPOINT: "https://s3.example" }),
    ).toMatch(/needs ATTACHMENTS_S3_BUCKET/);
  });

  it("reads the S3 settings, falling back to the standard AWS key variables", () => {
    const c = load({
      ATTACHMENTS_STORE: "s3",
      ATTACHMENTS_S3_ENDPOINT: "http://minio:9000/",
      ATTACHMENTS_S3_BUCKET: "blobs",
      ATTACHMENTS_S3_PREFIX: "attachments/",
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "secret",
      PUBLIC_URL: "https://chat.example.org/",
    });
    expect(c.attachments.s3).toEqual({
      endpoint: "http://minio:9000",
      bucket: "blobs",
      region: "us-east-1",
      prefix: "attachments/",
      accessKeyId: "AKID",
      secretAccessKey: "secret",
    });
    expect(c.publicUrl).toBe("https://chat.example.org");
  });
});
