CREATE TABLE `job_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`status` text NOT NULL,
	`counts` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `job_runs_job_idx` ON `job_runs` (`job`,`started_at`);--> statement-breakpoint
CREATE TABLE `upstream_probes` (
	`at` integer NOT NULL,
	`chain` text NOT NULL,
	`upstream_id` text NOT NULL,
	`ok` integer NOT NULL,
	`latency_ms` integer,
	`head` integer,
	`finalized` integer,
	`syncing` integer,
	`error` text,
	PRIMARY KEY(`upstream_id`, `at`)
);
--> statement-breakpoint
CREATE INDEX `upstream_probes_chain_at_idx` ON `upstream_probes` (`chain`,`at`);--> statement-breakpoint
CREATE INDEX `upstream_probes_at_idx` ON `upstream_probes` (`at`);--> statement-breakpoint
ALTER TABLE `upstreams` ADD `disabled_reason` text;