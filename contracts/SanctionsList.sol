// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The interface and events of Chainalysis's on-chain sanctions oracle
/// (0x40C57923924B5c5c5455c48D93317139ADDaC8fb), for local runs and tests: the owner adds and
/// removes addresses; each change is one SanctionedAddressesAdded / SanctionedAddressesRemoved event.
contract SanctionsList {
    address public owner;
    mapping(address => bool) private sanctioned;

    event SanctionedAddress(address indexed addr);
    event NonSanctionedAddress(address indexed addr);
    event SanctionedAddressesAdded(address[] addrs);
    event SanctionedAddressesRemoved(address[] addrs);

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "not the owner");
        _;
    }

    function addToSanctionsList(address[] memory newSanctions) public onlyOwner {
        for (uint256 i = 0; i < newSanctions.length; i++) sanctioned[newSanctions[i]] = true;
        emit SanctionedAddressesAdded(newSanctions);
    }

    function removeFromSanctionsList(address[] memory removeSanctions) public onlyOwner {
        for (uint256 i = 0; i < removeSanctions.length; i++) sanctioned[removeSanctions[i]] = false;
        emit SanctionedAddressesRemoved(removeSanctions);
    }

    function isSanctioned(address addr) public view returns (bool) {
        return sanctioned[addr];
    }

    function isSanctionedVerbose(address addr) public returns (bool) {
        if (sanctioned[addr]) {
            emit SanctionedAddress(addr);
            return true;
        }
        emit NonSanctionedAddress(addr);
        return false;
    }
}
