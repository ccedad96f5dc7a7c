ALTER TABLE `plans` ADD `ws_max_wildcard_subscriptions` integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `max_filters` integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `unscreened_sends` text DEFAULT '[]' NOT NULL;