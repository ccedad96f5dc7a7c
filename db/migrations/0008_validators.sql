CREATE TABLE `validator_snapshots` (
	`network` text NOT NULL,
	`at` integer NOT NULL,
	`count` integer NOT NULL,
	`connected` integer NOT NULL,
	`total_stake` text NOT NULL,
	`total_delegated` text NOT NULL,
	`dropped` integer DEFAULT 0 NOT NULL,
	`upstream_id` text NOT NULL,
	PRIMARY KEY(`network`, `at`)
);
--> statement-breakpoint
CREATE INDEX `validator_snapshots_at_idx` ON `validator_snapshots` (`at`);