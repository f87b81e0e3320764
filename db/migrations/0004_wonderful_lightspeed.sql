CREATE TABLE `quiet_hours` (
	`scope` text PRIMARY KEY NOT NULL,
	`start` text NOT NULL,
	`end` text NOT NULL,
	`time_zone` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `escalations` ADD `targets` text;--> statement-breakpoint
ALTER TABLE `escalations` ADD `route` text;--> statement-breakpoint
ALTER TABLE `escalations` ADD `held_until` integer;--> statement-breakpoint
ALTER TABLE `escalations` ADD `snoozed_until` integer;--> statement-breakpoint
ALTER TABLE `escalations` ADD `snoozed_by` text;--> statement-breakpoint
ALTER TABLE `escalations` ADD `ping_seq` integer;--> statement-breakpoint
ALTER TABLE `escalations` ADD `ping_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `escalations` ADD `ping_retry_at` integer;--> statement-breakpoint
ALTER TABLE `oncall` ADD `rotation` text;