// SigV4 against the worked examples in AWS's S3 documentation ("Signature
// Calculations for the Authorization Header: Transferring Payload in a Single
// Chunk"): same key, date and requests, so the signatures must match to the bit.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { amzDate, EMPTY_SHA256, signV4 } from "../sigv4";

const creds = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
  service: "s3",
};
const date = new Date("2013-05-24T00:00:00Z");
const scope = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

describe("signV4 (AWS published examples)", () => {
  it("GET Object with a Range header", () => {
    const headers = signV4(
      {
        method: "GET",
        url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
        headers: { Range: "bytes=0-9" },
        payloadHash: EMPTY_SHA256,
      },
      creds,
      date,
    );
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,` +
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    expect(headers["x-amz-date"]).toBe("20130524T000000Z");
    expect(headers["x-amz-content-sha256"]).toBe(EMPTY_SHA256);
  });

  it("PUT Object with a payload, a Date header and a key that needs encoding ($)", () => {
    const body = "Welcome to Amazon S3.";
    const payloadHash = createHash("sha256").update(body).digest("hex");
    expect(payloadHash).toBe("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    const headers = signV4(
      {
        method: "PUT",
        url: new URL("https://examplebucket.s3.amazonaws.com/test$file.text"),
        headers: {
          Date: "Fri, 24 May 2013 00:00:00 GMT",
          "x-amz-storage-class": "REDUCED_REDUNDANCY",
        },
        payloadHash,
      },
      creds,
      date,
    );
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${scope},` +
        "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class," +
        "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
    );
  });

  it("GET Bucket with query parameters (sorted, value-less ones as k=)", () => {
    const lifecycle = signV4(
      {
        method: "GET",
        url: new URL("https://examplebucket.s3.amazonaws.com/?lifecycle"),
        payloadHash: EMPTY_SHA256,
      },
      creds,
      date,
    );
    expect(lifecycle.authorization).toMatch(
      /Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543$/,
    );
    const list = signV4(
      {
        method: "GET",
        url: new URL("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"),
        payloadHash: EMPTY_SHA256,
      },
      creds,
      date,
    );
    expect(list.authorization).toMatch(
      /Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/,
    );
  });

  it("changes the signature when anything signed changes", () => {
    const sign = (path: string, secret = creds.secretAccessKey) =>
      signV4(
        {
          method: "GET",
          url: new URL(`https://examplebucket.s3.amazonaws.com${path}`),
          payloadHash: EMPTY_SHA256,
        },
        { ...creds, secretAccessKey: secret },
        date,
      ).authorization;
    expect(sign("/a")).not.toBe(sign("/b"));
    expect(sign("/a")).not.toBe(sign("/a", "another secret"));
    expect(amzDate(new Date("2024-02-29T23:59:58.999Z"))).toBe("20240229T235958Z");
  });
});
