CREATE TABLE `tenant_jwt_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kid` text NOT NULL,
	`alg` text NOT NULL,
	`jwk` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`disabled_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "tenant_jwt_keys_status_check" CHECK("tenant_jwt_keys"."status" in ('active','disabled'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenant_jwt_keys_kid_idx` ON `tenant_jwt_keys` (`tenant_id`,`kid`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `require_jwt` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `plans` ADD `require_jwt` integer DEFAULT false NOT NULL;