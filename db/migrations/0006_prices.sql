CREATE TABLE `price_feeds` (
	`id` text PRIMARY KEY NOT NULL,
	`pair` text NOT NULL,
	`chain` text NOT NULL,
	`address` text NOT NULL,
	`decimals` integer NOT NULL,
	`heartbeat_seconds` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `price_feeds_pair_unique` ON `price_feeds` (`pair`);--> statement-breakpoint
CREATE INDEX `price_feeds_chain_idx` ON `price_feeds` (`chain`);--> statement-breakpoint
-- Mainnet feeds (data.chain.link), read once chains with these slugs are configured: ETH/USD and
-- BTC/USD on Ethereum, AVAX/USD on Avalanche C-Chain. Heartbeats: 1 h, 1 h, 24 h (check data.chain.link;
-- PATCH /admin/v1/price-feeds/:id changes them).
INSERT INTO `price_feeds` (`id`, `pair`, `chain`, `address`, `decimals`, `heartbeat_seconds`) VALUES
  ('feed_eth_usd', 'ETH/USD', 'ethereum', '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419', 8, 3600),
  ('feed_btc_usd', 'BTC/USD', 'ethereum', '0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c', 8, 3600),
  ('feed_avax_usd', 'AVAX/USD', 'avalanche', '0x0A77230d17318075983913bC2145DB16C7366156', 8, 86400);
