// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A Chainlink AggregatorV3Interface with a settable round, for local runs and tests only:
/// anyone may set it. Production reads the real feeds (see db/migrations: price_feeds).
contract MockAggregatorV3 {
    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 4;

    uint80 private roundId;
    int256 private answer;
    uint256 private updatedAt;

    constructor(uint8 decimals_, string memory description_, int256 answer_) {
        decimals = decimals_;
        description = description_;
        setRound(answer_, block.timestamp);
    }

    /// A new round with this answer, updated at `updatedAt_` (seconds; may be in the past).
    function setRound(int256 answer_, uint256 updatedAt_) public {
        roundId += 1;
        answer = answer_;
        updatedAt = updatedAt_;
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }
}
