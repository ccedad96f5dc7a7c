CREATE TABLE `sanctions_pending` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`base_version` integer NOT NULL,
	`hash` text NOT NULL,
	`size` integer NOT NULL,
	`addresses` text NOT NULL,
	`added` integer NOT NULL,
	`removed` integer NOT NULL,
	`share` real NOT NULL,
	`sources` text NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`version` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sanctions_pending_one` ON `sanctions_pending` (`status`) WHERE "sanctions_pending"."status" = 'pending';--> statement-breakpoint
CREATE INDEX `sanctions_pending_at_idx` ON `sanctions_pending` (`at`);--> statement-breakpoint
ALTER TABLE `sanction_sources` ADD `sha256` text;