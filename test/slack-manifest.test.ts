import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// A line-based look at the manifest (no YAML parser in the project): what the bot relies on is there.
const manifest = readFileSync("slack-manifest.yaml", "utf8");

describe("Slack app manifest", () => {
  it("requests the scopes the adapter uses", () => {
    for (const scope of ["chat:write", "commands", "app_mentions:read", "channels:history", "groups:history", "im:history", "files:write", "usergroups:read", "users:read"]) {
      expect(manifest).toMatch(new RegExp(`^\\s+- ${scope}$`, "m"));
    }
  });
  it("points the /gt command, events and interactivity at the one /slack/events path", () => {
    expect(manifest).toMatch(/- command: \/gt\n\s+url: \S+\/slack\/events/);
    expect(manifest).toMatch(/event_subscriptions:\n\s+request_url: \S+\/slack\/events/);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true\n\s+request_url: \S+\/slack\/events/);
    for (const ev of ["app_mention", "message.channels", "message.groups", "message.im"]) expect(manifest).toMatch(new RegExp(`^\\s+- ${ev.replace(".", "\\.")}$`, "m"));
  });
});
