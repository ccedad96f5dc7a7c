ALTER TABLE `plans` ADD `ws_max_connections` integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `ws_max_subscriptions` integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `ws_max_message_bytes` integer DEFAULT 131072 NOT NULL;