DROP INDEX `beads_ready`;--> statement-breakpoint
CREATE INDEX `beads_rig_ready` ON `beads` (`rig_id`,`status`,`priority`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `beads_ready` ON `beads` (`status`,`priority`,`created_at`,`id`);