// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// `aggregate3` of Multicall3 (github.com/mds1/multicall, deployed at
/// 0xcA11bde05977b3631167028862bE2a173976CA11 on most chains), for tests: its runtime code is set at
/// that address on anvil, which has no Multicall3 of its own.
contract Multicall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) public payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            Call3 calldata call = calls[i];
            (bool success, bytes memory data) = call.target.call(call.callData);
            require(success || call.allowFailure, "Multicall3: call failed");
            returnData[i] = Result(success, data);
        }
    }
}
