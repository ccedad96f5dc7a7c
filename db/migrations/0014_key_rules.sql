ALTER TABLE `api_keys` ADD `allowed_origins` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `allowed_ips` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `allowed_methods` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `allowed_contracts` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `allowed_chains` text;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `secret_hash` text;