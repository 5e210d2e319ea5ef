// The PostgreSQL these tests need (CI sets TEST_DATABASE_URL). Without it the
// PostgreSQL tests are skipped WITH a notice printed, never silently.
import { dropSchema, freshSchema } from "../../server/test/pg-schema";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export function pgNotice(what: string): void {
  if (!TEST_DATABASE_URL) {
    console.warn(
      `NOTICE: TEST_DATABASE_URL is not set: "${what}" needs PostgreSQL and is SKIPPED. ` +
        "Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it.",
    );
  }
}

export { dropSchema, freshSchema };
