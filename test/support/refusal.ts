import { expect } from "vitest";
import { ClientError } from "../../lib/client";

/** The ClientError a call is refused with (fails the test if it succeeds or throws anything else). */
export async function refusal(p: Promise<unknown>): Promise<ClientError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}
