// SPDX-License-Identifier: MIT
// Test contracts for smart-contract wallet signatures (compiled by compile.mjs into
// artifacts.json; the tests deploy them on a ganache chain they start themselves).
pragma solidity ^0.8.20;

/// An ERC-1271 wallet with one owner key. The owner can hand it to another key, so a
/// test can show a signature checked at its pinned block outliving an owner change.
contract OwnerWallet {
    address public owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function setOwner(address next) external {
        require(msg.sender == owner, "only the owner");
        owner = next;
    }

    /// ERC-1271: 0x1626ba7e when the owner key signed `hash` (65 bytes r||s||v).
    function isValidSignature(bytes32 hash, bytes calldata sig) external view returns (bytes4) {
        if (sig.length != 65) return 0xffffffff;
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v < 27) v += 27;
        address signer = ecrecover(hash, v, r, s);
        return signer != address(0) && signer == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}

/// CREATE2 factory: a wallet's address is known before it exists (ERC-6492's counterfactual case).
contract OwnerWalletFactory {
    function deploy(address owner_, bytes32 salt) external returns (address wallet) {
        wallet = addressOf(owner_, salt);
        if (wallet.code.length == 0) {
            wallet = address(new OwnerWallet{salt: salt}(owner_));
        }
    }

    function addressOf(address owner_, bytes32 salt) public view returns (address) {
        bytes32 code = keccak256(abi.encodePacked(type(OwnerWallet).creationCode, abi.encode(owner_)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, code)))));
    }
}
