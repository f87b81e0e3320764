ALTER TABLE `merge_requests` ADD `agent_id` text;--> statement-breakpoint
ALTER TABLE `merge_requests` ADD `queued_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `merge_requests` ADD `approved_by` text;--> statement-breakpoint
ALTER TABLE `merge_requests` ADD `approved_at` integer;--> statement-breakpoint
ALTER TABLE `merge_requests` ADD `next_attempt_at` integer;--> statement-breakpoint
CREATE INDEX `merge_requests_order` ON `merge_requests` (`rig_id`,`state`,`queued_at`);