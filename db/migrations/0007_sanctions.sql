CREATE TABLE `sanction_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`url` text,
	`chain` text,
	`address` text,
	`from_block` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`addresses` text,
	`read_at` integer,
	`dropped` integer DEFAULT 0 NOT NULL,
	`scanned_to` integer,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sanction_sources_name_unique` ON `sanction_sources` (`name`);--> statement-breakpoint
CREATE TABLE `sanctions_snapshots` (
	`version` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`hash` text NOT NULL,
	`size` integer NOT NULL,
	`addresses` text NOT NULL,
	`added` text NOT NULL,
	`removed` text NOT NULL,
	`sources` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sanctions_snapshots_at_idx` ON `sanctions_snapshots` (`at`);--> statement-breakpoint
ALTER TABLE `chains` ADD `kind` text DEFAULT 'evm' NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `screening` text DEFAULT 'block' NOT NULL;--> statement-breakpoint
-- The public OFAC-derived list of Ethereum addresses (github.com/0xB10C/ofac-sanctioned-digital-currency-addresses,
-- rebuilt daily from the SDN list), and the Chainalysis sanctions oracle on the chains it is deployed on,
-- read once chains with these slugs are configured. from_block null: the job finds the contract's first block.
INSERT INTO `sanction_sources` (`id`, `name`, `kind`, `url`, `chain`, `address`) VALUES
  ('src_ofac_eth', 'ofac-eth', 'list', 'https://raw.githubusercontent.com/0xB10C/ofac-sanctioned-digital-currency-addresses/lists/sanctioned_addresses_ETH.txt', NULL, NULL),
  ('src_oracle_ethereum', 'chainalysis-ethereum', 'oracle', NULL, 'ethereum', '0x40C57923924B5c5c5455c48D93317139ADDaC8fb'),
  ('src_oracle_avalanche', 'chainalysis-avalanche', 'oracle', NULL, 'avalanche', '0x40C57923924B5c5c5455c48D93317139ADDaC8fb'),
  ('src_oracle_polygon', 'chainalysis-polygon', 'oracle', NULL, 'polygon', '0x40C57923924B5c5c5455c48D93317139ADDaC8fb'),
  ('src_oracle_arbitrum', 'chainalysis-arbitrum', 'oracle', NULL, 'arbitrum', '0x40C57923924B5c5c5455c48D93317139ADDaC8fb'),
  ('src_oracle_optimism', 'chainalysis-optimism', 'oracle', NULL, 'optimism', '0x40C57923924B5c5c5455c48D93317139ADDaC8fb'),
  ('src_oracle_bsc', 'chainalysis-bsc', 'oracle', NULL, 'bsc', '0x40C57923924B5c5c5455c48D93317139ADDaC8fb');
