DROP INDEX `audit_log_prev_hash_unique`;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `chain` text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `key_id` text;--> statement-breakpoint
-- Rows written before chains existed form the admin chain's first rows, numbered in order.
UPDATE `audit_log` SET `seq` = (SELECT COUNT(*) FROM `audit_log` AS `a` WHERE `a`.`id` <= `audit_log`.`id`);--> statement-breakpoint
CREATE INDEX `audit_log_chain_seq` ON `audit_log` (`chain`,`seq`);