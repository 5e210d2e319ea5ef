// The rate-limit key of a caller: which X-Forwarded-For hop is trusted, and how
// addresses are bucketed (IPv6 by /64, IPv4-mapped IPv6 as IPv4).
import type http from "node:http";
import { describe, expect, it } from "vitest";
import { addressKey, bareIp, clientAddress, forwardedHop } from "../api/client-address";

const req = (remote: string, xff?: string | string[]) =>
  ({
    headers: xff === undefined ? {} : { "x-forwarded-for": xff },
    socket: { remoteAddress: remote },
  }) as unknown as http.IncomingMessage;

describe("forwardedHop", () => {
  it("takes the entry the trusted proxies appended, never the client-written leftmost", () => {
    expect(forwardedHop("6.6.6.6, 1.2.3.4", 1)).toBe("1.2.3.4");
    expect(forwardedHop("6.6.6.6, 1.2.3.4, 10.0.0.1", 2)).toBe("1.2.3.4");
    expect(forwardedHop(["6.6.6.6", "1.2.3.4"], 1)).toBe("1.2.3.4");
    expect(forwardedHop("1.2.3.4", 3)).toBe("1.2.3.4"); // fewer hops than proxies
    expect(forwardedHop("1.2.3.4", 0)).toBeUndefined();
    expect(forwardedHop(" , ", 1)).toBeUndefined();
    expect(forwardedHop(undefined, 1)).toBeUndefined();
  });
});

describe("addressKey", () => {
  it("buckets IPv6 by /64 whatever its spelling", () => {
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0DB8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("reads IPv4-mapped IPv6 as the IPv4 address, dotted or hex", () => {
    expect(addressKey("::ffff:192.0.2.44")).toBe("192.0.2.44");
    expect(addressKey("::ffff:c000:22c")).toBe("192.0.2.44");
    expect(addressKey("192.0.2.44")).toBe("192.0.2.44");
  });
});

describe("bareIp", () => {
  it("strips ports, brackets and zone ids; refuses what is not an address", () => {
    expect(bareIp("1.2.3.4:8080")).toBe("1.2.3.4");
    expect(bareIp("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(bareIp("fe80::1%eth0")).toBe("fe80::1");
    expect(bareIp("unknown")).toBeUndefined();
    expect(bareIp("1.2.3.4, 5.6.7.8")).toBeUndefined();
  });
});

describe("clientAddress", () => {
  it("uses the socket without a trusted proxy, the proxy's hop with one", () => {
    expect(clientAddress(req("::ffff:10.0.0.9", "6.6.6.6"), 0)).toBe("10.0.0.9");
    expect(clientAddress(req("10.0.0.1", "6.6.6.6, 2001:db8:5:6::99"), 1)).toBe(
      "2001:db8:5:6::/64",
    );
    // A hop that is not an address (misconfigured proxy) falls back to the socket.
    expect(clientAddress(req("10.0.0.1", "garbage"), 1)).toBe("10.0.0.1");
  });
});
