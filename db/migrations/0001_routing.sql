ALTER TABLE `chains` ADD `budget_ms` integer DEFAULT 10000 NOT NULL;--> statement-breakpoint
ALTER TABLE `chains` ADD `max_lag_blocks` integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE `upstreams` ADD `oldest_block` integer;