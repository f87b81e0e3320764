CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`rig_id` text,
	`status` text NOT NULL,
	`hooked_bead_id` text,
	`kind` text NOT NULL,
	`last_heartbeat_at` integer,
	`last_activity_at` integer,
	`restarts` integer DEFAULT 0 NOT NULL,
	`dispatch_failures` integer DEFAULT 0 NOT NULL,
	`next_dispatch_at` integer,
	`last_nudge_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agents_rig` ON `agents` (`rig_id`,`role`,`status`);--> statement-breakpoint
CREATE INDEX `agents_hook` ON `agents` (`hooked_bead_id`);--> statement-breakpoint
CREATE TABLE `bead_deps` (
	`bead_id` text NOT NULL,
	`depends_on_id` text NOT NULL,
	`type` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`bead_id`, `depends_on_id`, `type`)
);
--> statement-breakpoint
CREATE INDEX `bead_deps_target` ON `bead_deps` (`depends_on_id`,`type`);--> statement-breakpoint
CREATE TABLE `bead_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bead_id` text NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bead_events_bead` ON `bead_events` (`bead_id`,`id`);--> statement-breakpoint
CREATE TABLE `beads` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`priority` integer NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`labels` text NOT NULL,
	`rig_id` text,
	`assignee` text,
	`parent_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer
);
--> statement-breakpoint
CREATE INDEX `beads_ready` ON `beads` (`status`,`priority`,`created_at`);--> statement-breakpoint
CREATE INDEX `beads_rig` ON `beads` (`rig_id`,`status`);--> statement-breakpoint
CREATE INDEX `beads_parent` ON `beads` (`parent_id`);--> statement-breakpoint
CREATE INDEX `beads_type` ON `beads` (`type`,`status`);--> statement-breakpoint
CREATE TABLE `chat_channels` (
	`platform` text NOT NULL,
	`channel_id` text NOT NULL,
	`rig_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `channel_id`)
);
--> statement-breakpoint
CREATE INDEX `chat_channels_rig` ON `chat_channels` (`rig_id`);--> statement-breakpoint
CREATE TABLE `chat_threads` (
	`platform` text NOT NULL,
	`bead_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`thread_id` text NOT NULL,
	`card_message_id` text,
	`snapshot_message_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `bead_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_threads_thread` ON `chat_threads` (`platform`,`channel_id`,`thread_id`);--> statement-breakpoint
CREATE TABLE `convoy_beads` (
	`convoy_id` text NOT NULL,
	`bead_id` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`convoy_id`, `bead_id`)
);
--> statement-breakpoint
CREATE INDEX `convoy_beads_bead` ON `convoy_beads` (`bead_id`);--> statement-breakpoint
CREATE TABLE `convoys` (
	`bead_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`landed_at` integer
);
--> statement-breakpoint
CREATE TABLE `escalations` (
	`bead_id` text PRIMARY KEY NOT NULL,
	`severity` text NOT NULL,
	`initial_severity` text NOT NULL,
	`source` text NOT NULL,
	`source_agent_id` text,
	`subject_bead_id` text,
	`metadata` text NOT NULL,
	`acked_by` text,
	`acked_at` integer,
	`resolved_by` text,
	`resolved_at` integer,
	`reescalations` integer DEFAULT 0 NOT NULL,
	`next_deadline_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `escalations_due` ON `escalations` (`acked_at`,`next_deadline_at`);--> statement-breakpoint
CREATE TABLE `inbound_dedupe` (
	`platform` text NOT NULL,
	`event_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`platform`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `inbound_dedupe_at` ON `inbound_dedupe` (`at`);--> statement-breakpoint
CREATE TABLE `mail` (
	`bead_id` text PRIMARY KEY NOT NULL,
	`from_id` text NOT NULL,
	`to_agent_id` text NOT NULL,
	`delivered_at` integer,
	`read_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mail_inbox` ON `mail` (`to_agent_id`,`delivered_at`);--> statement-breakpoint
CREATE TABLE `mayor_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`channel_id` text NOT NULL,
	`thread_id` text NOT NULL,
	`user_id` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mayor_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`role` text NOT NULL,
	`content` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mayor_messages_conv` ON `mayor_messages` (`conversation_id`,`id`);--> statement-breakpoint
CREATE TABLE `merge_requests` (
	`bead_id` text PRIMARY KEY NOT NULL,
	`source_bead_id` text NOT NULL,
	`rig_id` text NOT NULL,
	`branch` text NOT NULL,
	`target` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`detail` text,
	`result` text,
	`commit` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `merge_requests_queue` ON `merge_requests` (`rig_id`,`state`,`created_at`);--> statement-breakpoint
CREATE TABLE `oncall` (
	`scope` text NOT NULL,
	`severity` text NOT NULL,
	`targets` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `severity`)
);
--> statement-breakpoint
CREATE TABLE `rigs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`git_url` text NOT NULL,
	`default_branch` text NOT NULL,
	`bead_prefix` text NOT NULL,
	`config` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rigs_name` ON `rigs` (`name`);--> statement-breakpoint
CREATE TABLE `town_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`bead_id` text,
	`rig_id` text,
	`actor` text,
	`data` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `town_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
