CREATE TABLE `usage_daily` (
	`day` text NOT NULL,
	`tenant_id` text NOT NULL,
	`key_id` text NOT NULL,
	`chain` text NOT NULL,
	`family` text NOT NULL,
	`requests` integer NOT NULL,
	`cu` integer NOT NULL,
	`errors` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`day`, `tenant_id`, `key_id`, `chain`, `family`)
);
--> statement-breakpoint
CREATE INDEX `usage_daily_tenant_day_idx` ON `usage_daily` (`tenant_id`,`day`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `cu_per_second` integer;--> statement-breakpoint
ALTER TABLE `plans` ADD `cu_per_second` integer DEFAULT 500 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `burst_cu` integer DEFAULT 1000 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `monthly_cu` integer DEFAULT 30000000 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `on_meter_down` text DEFAULT 'closed' NOT NULL;