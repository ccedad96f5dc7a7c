ALTER TABLE `chains` ADD `block_time_ms` integer DEFAULT 12000 NOT NULL;--> statement-breakpoint
ALTER TABLE `chains` ADD `finality_depth` integer DEFAULT 64 NOT NULL;--> statement-breakpoint
ALTER TABLE `chains` ADD `logs_block_range` integer DEFAULT 10000 NOT NULL;--> statement-breakpoint
ALTER TABLE `chains` ADD `logs_max_results` integer DEFAULT 10000 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `logs_max_block_range` integer DEFAULT 100000 NOT NULL;