import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("loadConfig", () => {
  it("defaults to the local contract: 127.0.0.1:8788, data under the working dir", () => {
    const c = loadConfig({ PATH: "/usr/bin", HOME: "/home/me" }, "/srv/town");
    expect(c).toMatchObject({ port: 8788, host: "127.0.0.1", token: undefined, dataDir: "/srv/town/.gastown/data", idleMs: 60_000, heartbeatMs: 30_000 });
    expect(c.baseEnv).toEqual({ PATH: "/usr/bin", HOME: "/home/me" });
  });

  it("keeps container secrets out of the agents' base env but redacts them everywhere", () => {
    const c = loadConfig(
      {
        PATH: "/usr/bin",
        ANTHROPIC_API_KEY: "sk-ant-real-key-000000",
        GASTOWN_CONTAINER_TOKEN: "container-token-0123456789",
        GITHUB_TOKEN: "ghp_notreal000000000000000000",
        SLACK_BOT_TOKEN: "xoxb-not-for-agents",
      },
      "/",
    );
    expect(Object.keys(c.baseEnv)).toEqual(["PATH"]);
    expect(c.secrets).toEqual(expect.arrayContaining(["sk-ant-real-key-000000", "container-token-0123456789", "ghp_notreal000000000000000000", "xoxb-not-for-agents"]));
    expect(c.gitCredentials).toEqual([{ host: "github.com", username: "x-access-token", password: "ghp_notreal000000000000000000" }]);
    expect(c.model.anthropicApiKey).toBe("sk-ant-real-key-000000");
  });

  it("treats empty values as unset and rejects bad ones with a clear message", () => {
    expect(loadConfig({ ANTHROPIC_BASE_URL: "", GASTOWN_CONTAINER_PORT: "" }, "/").port).toBe(8788);
    expect(() => loadConfig({ GASTOWN_CONTAINER_PORT: "eighty" }, "/")).toThrow(/GASTOWN_CONTAINER_PORT/);
    expect(() => loadConfig({ GASTOWN_CONTAINER_TOKEN: "short" }, "/")).toThrow(/GASTOWN_CONTAINER_TOKEN/);
  });

  it("parses git credentials without echoing passwords in errors", () => {
    const ok = loadConfig({ GASTOWN_GIT_CREDENTIALS: JSON.stringify([{ host: "git.example.com", username: "bot", password: "pw-123456" }]) }, "/");
    expect(ok.gitCredentials).toEqual([{ host: "git.example.com", username: "bot", password: "pw-123456" }]);
    expect(ok.secrets).toContain("pw-123456");
    let message = "";
    try {
      loadConfig({ GASTOWN_GIT_CREDENTIALS: JSON.stringify([{ host: "git.example.com", password: "pw-leaky-999" }]) }, "/");
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toMatch(/GASTOWN_GIT_CREDENTIALS/);
    expect(message).not.toContain("pw-leaky-999");
  });
});
