// SPDX-License-Identifier: MIT
// A minimal ENS for tests: registry, resolver (addr, per-chain addr, name, text), the two
// Universal Resolver calls viem's getEnsAddress / getEnsName make, and ENSIP-19's L2 reverse
// registrar (where primary names on Base are set since 2025; Basenames' older ones are reverse
// records in the Base registry under <address>.80002105.reverse, which the registry covers). The real Universal Resolver also
// checks that a reverse name resolves back to the address; this one deliberately does
// not, so the tests show the CLIENT's own forward check refusing a false reverse record.
pragma solidity ^0.8.20;

contract EnsRegistry {
    struct Record {
        address owner;
        address resolver;
    }
    mapping(bytes32 => Record) private records;

    constructor() {
        records[0x0].owner = msg.sender;
    }

    modifier authorised(bytes32 node) {
        require(records[node].owner == msg.sender, "not the node's owner");
        _;
    }

    function setSubnodeOwner(bytes32 node, bytes32 label, address owner_) external authorised(node) returns (bytes32 sub) {
        sub = keccak256(abi.encodePacked(node, label));
        records[sub].owner = owner_;
    }

    function setResolver(bytes32 node, address resolver_) external authorised(node) {
        records[node].resolver = resolver_;
    }

    function owner(bytes32 node) external view returns (address) {
        return records[node].owner;
    }

    function resolver(bytes32 node) external view returns (address) {
        return records[node].resolver;
    }
}

contract EnsResolver {
    EnsRegistry public immutable ens;
    mapping(bytes32 => address) private addrs;
    mapping(bytes32 => mapping(uint256 => bytes)) private coinAddrs;
    mapping(bytes32 => string) private names;
    mapping(bytes32 => mapping(string => string)) private texts;

    constructor(EnsRegistry ens_) {
        ens = ens_;
    }

    modifier authorised(bytes32 node) {
        require(ens.owner(node) == msg.sender, "not the node's owner");
        _;
    }

    function setAddr(bytes32 node, address a) external authorised(node) {
        addrs[node] = a;
    }

    function addr(bytes32 node) external view returns (address) {
        return addrs[node];
    }

    /// ENSIP-9/11: the address for another coin type (a chain: 0x80000000 | chain ID).
    function setAddr(bytes32 node, uint256 coinType, bytes calldata a) external authorised(node) {
        coinAddrs[node][coinType] = a;
    }

    function addr(bytes32 node, uint256 coinType) external view returns (bytes memory) {
        return coinAddrs[node][coinType];
    }

    function setName(bytes32 node, string calldata n) external authorised(node) {
        names[node] = n;
    }

    function name(bytes32 node) external view returns (string memory) {
        return names[node];
    }

    function setText(bytes32 node, string calldata key, string calldata value) external authorised(node) {
        texts[node][key] = value;
    }

    function text(bytes32 node, string calldata key) external view returns (string memory) {
        return texts[node][key];
    }
}

contract EnsUniversalResolver {
    error ResolverError(bytes errorData);

    EnsRegistry public immutable registry;

    constructor(EnsRegistry registry_) {
        registry = registry_;
    }

    /// Forward: `data` (e.g. addr(node)) sent to the name's resolver; its answer returned.
    function resolveWithGateways(bytes calldata name, bytes calldata data, string[] calldata)
        external
        view
        returns (bytes memory, address)
    {
        address r = registry.resolver(namehash(name, 0));
        // The real one reverts ResolverNotFound (viem reads that as "no address"); ganache
        // reports eth_call reverts as "invalid parameters", so this one answers empty.
        if (r == address(0)) return ("", address(0));
        (bool ok, bytes memory out) = r.staticcall(data);
        if (!ok) revert ResolverError(out);
        return (out, r);
    }

    /// Reverse: the name recorded at <hex address>.addr.reverse (no forward check, see above).
    function reverseWithGateways(bytes calldata lookupAddress, uint256, string[] calldata)
        external
        view
        returns (string memory, address, address)
    {
        require(lookupAddress.length == 20, "an address is 20 bytes");
        bytes32 node = reverseNode(address(bytes20(lookupAddress)));
        address r = registry.resolver(node);
        if (r == address(0)) return ("", address(0), address(0));
        return (EnsResolver(r).name(node), address(0), r);
    }

    /// ENSIP-1 namehash of a DNS-encoded name.
    function namehash(bytes calldata name, uint256 offset) internal pure returns (bytes32) {
        uint256 len = uint8(name[offset]);
        if (len == 0) return bytes32(0);
        bytes32 label = keccak256(name[offset + 1:offset + 1 + len]);
        return keccak256(abi.encodePacked(namehash(name, offset + 1 + len), label));
    }

    function reverseNode(address a) internal pure returns (bytes32) {
        bytes memory digits = "0123456789abcdef";
        bytes memory hexAddr = new bytes(40);
        uint160 v = uint160(a);
        for (uint256 i = 0; i < 20; i++) {
            uint8 b = uint8(v >> (8 * (19 - i)));
            hexAddr[2 * i] = digits[b >> 4];
            hexAddr[2 * i + 1] = digits[b & 0x0f];
        }
        bytes32 reverse = keccak256(abi.encodePacked(bytes32(0), keccak256("reverse")));
        bytes32 addrReverse = keccak256(abi.encodePacked(reverse, keccak256("addr")));
        return keccak256(abi.encodePacked(addrReverse, keccak256(hexAddr)));
    }
}

/// ENSIP-19's L2 reverse registrar: an address's primary name on the chain. A fixture: anyone
/// sets anyone's (the real one lets only the address, or whom it authorised, set it), so the
/// tests can write false claims and show the client refusing them.
contract L2ReverseRegistrar {
    mapping(address => string) private names;

    function setNameForAddr(address a, string calldata n) external {
        names[a] = n;
    }

    function nameForAddr(address a) external view returns (string memory) {
        return names[a];
    }
}
