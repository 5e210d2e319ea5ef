// MLS cost of a DM with ts-mls (suite 0x0003) in this Node: create + add + join,
// and encrypt / decrypt of a 1 KiB application message.
import { generateEd25519KeyPair, randomBytes } from "../lib/crypto";
import { inboxIdFor } from "../lib/identity";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  encryptApplication,
  joinFromWelcome,
  mergeOwnCommit,
  processMessage,
  type InstallationSigner,
} from "../lib/mls";
import { summary } from "./stats";
import { rowsTable, runHeader, runsAlone } from "./alone";

function signer(): InstallationSigner {
  const kp = generateEd25519KeyPair();
  const address = `0x${Buffer.from(randomBytes(20)).toString("hex")}`;
  return { inboxId: inboxIdFor(address), publicKey: kp.publicKey, privateKey: kp.privateKey };
}

const allow = async () => true;

export async function benchMlsDm(rounds = 20) {
  const create: number[] = [];
  const join: number[] = [];
  const encrypt: number[] = [];
  const decrypt: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const alice = signer();
    const bob = signer();
    const bobKp = await createKeyPackage(bob);
    let t = performance.now();
    const group = await createGroup({
      signer: alice,
      metadata: {
        conversationType: "dm",
        creatorInboxId: alice.inboxId,
        dmMembers: [alice.inboxId, bob.inboxId],
      },
    });
    const added = await addMembers(group, [bobKp.keyPackageBytes], allow);
    let aliceGroup = mergeOwnCommit(group, added.pending);
    create.push(performance.now() - t);
    t = performance.now();
    let bobGroup = await joinFromWelcome({
      welcome: added.welcome,
      keyPackagePrivate: bobKp.privateBytes,
      keyPackageBytes: bobKp.keyPackageBytes,
      signer: bob,
      auth: allow,
    });
    join.push(performance.now() - t);
    for (let i = 0; i < 10; i++) {
      t = performance.now();
      const sent = await encryptApplication(aliceGroup, randomBytes(1024));
      encrypt.push(performance.now() - t);
      aliceGroup = sent.group;
      t = performance.now();
      const got = await processMessage(bobGroup, sent.message, allow);
      decrypt.push(performance.now() - t);
      bobGroup = got.group;
    }
  }
  return [
    summary("MLS DM create (group + add peer + commit/welcome)", create),
    summary("MLS DM join from welcome", join),
    summary("MLS encrypt 1 KiB", encrypt),
    summary("MLS decrypt 1 KiB", decrypt),
  ];
}

if (runsAlone(import.meta.url)) {
  const rounds = Number(process.argv[2]) || undefined;
  console.log(rowsTable(await benchMlsDm(rounds)));
  console.log(runHeader());
  process.exit(0);
}
