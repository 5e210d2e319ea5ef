// IdentityApi.VerifySmartContractWalletSignatures (xmtp/proto identity/api/v1): the node
// checks ERC-1271 / ERC-6492 signatures for clients without an RPC of their own. One
// answer per signature, in order; a signature that cannot be checked (no RPC for its
// chain, RPC down, malformed) is not valid and says why in `error`.
import { create } from "@bufbuild/protobuf";
import { IdentityError } from "../../lib/identity";
import type { ChainVerifier } from "../../lib/identity/scw";
import { parseCaip10 } from "../../lib/identity/verify";
import {
  VerifySmartContractWalletSignaturesResponseSchema,
  type VerifySmartContractWalletSignaturesRequest,
} from "../../lib/proto/identity/api/v1/identity_pb";
import { invalidArgument } from "../api/errors";
import { LIMITS } from "../api/limits";

export async function verifySmartContractWalletSignatures(
  scw: ChainVerifier | undefined,
  req: VerifySmartContractWalletSignaturesRequest,
) {
  if (req.signatures.length > LIMITS.maxScwChecks) {
    throw invalidArgument(
      `signatures has ${req.signatures.length} entries; at most ${LIMITS.maxScwChecks} per request`,
    );
  }
  const responses = await Promise.all(
    req.signatures.map(async (s, i) => {
      const field = `signatures[${i}]`;
      try {
        if (!scw) {
          throw new IdentityError(
            "scw_unverifiable",
            "this node has no CHAIN_RPC_URLS, so it cannot verify smart-contract wallet signatures",
          );
        }
        const { chainId } = parseCaip10(s.accountId, field);
        const blockNumber = s.blockNumber ?? (await scw.blockNumber(chainId));
        const isValid = await scw.verify({
          accountId: s.accountId,
          blockNumber,
          hash: s.hash,
          signature: s.signature,
        });
        return { isValid, blockNumber };
      } catch (err) {
        if (!(err instanceof IdentityError)) throw err;
        return { isValid: false, error: `${field}: ${err.message}` };
      }
    }),
  );
  return create(VerifySmartContractWalletSignaturesResponseSchema, { responses });
}
