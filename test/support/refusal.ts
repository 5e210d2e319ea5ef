import { expect } from "vitest";
import { ClientError } from "../../lib/client/errors";

/** The error of this kind a call is rejected with (fails the test if it succeeds or throws anything else). */
export async function rejectionOf<E extends Error>(
  p: Promise<unknown>,
  kind: new (...args: never[]) => E,
): Promise<E> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(kind);
  return err as E;
}

/** The ClientError a call is refused with (fails the test if it succeeds or throws anything else). */
export const refusal = (p: Promise<unknown>): Promise<ClientError> => rejectionOf(p, ClientError);
