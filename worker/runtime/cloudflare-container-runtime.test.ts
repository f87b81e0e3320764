import { describe, expect, it } from "vitest";
import { createControlServer } from "../../container/server";
import { silentLogger } from "../../core/logger";
import { CloudflareContainerRuntime } from "./cloudflare-container-runtime";
import { FakeAgentControl, MERGED } from "./fake-agent-control";
import { runtimeContract, startRequest } from "./runtime-contract";
import type { TownContainer } from "./town-container";

/**
 * CloudflareContainerRuntime inside workerd, its container Durable Object replaced by a stub
 * whose fetch is the real control server app (what the container runs on port 8788).
 */

const TOKEN = "container-token-0123456789";

function fakeNamespace() {
  const addressed: string[] = [];
  const servers = new Map<string, ReturnType<typeof createControlServer>>();
  const ns = {
    idFromName: (name: string) => {
      addressed.push(name);
      return name;
    },
    get: (id: string) => {
      let app = servers.get(id);
      if (!app) {
        app = createControlServer({ supervisor: new FakeAgentControl(), logger: silentLogger, token: TOKEN, merge: async () => MERGED });
        servers.set(id, app);
      }
      const server = app;
      return { fetch: (req: Request) => server.fetch(req) };
    },
  };
  // Only idFromName/get are used (through getContainer); the cast stands in for the binding.
  return { namespace: ns as unknown as DurableObjectNamespace<TownContainer>, addressed };
}

runtimeContract("CloudflareContainerRuntime (container stub -> control server)", () => {
  const { namespace } = fakeNamespace();
  return { runtime: new CloudflareContainerRuntime({ namespace, town: "slack:T123", token: TOKEN }) };
});

describe("CloudflareContainerRuntime", () => {
  it("uses one container per town, addressed by the town id", async () => {
    const { namespace, addressed } = fakeNamespace();
    const a = new CloudflareContainerRuntime({ namespace, town: "slack:T1", token: TOKEN });
    const b = new CloudflareContainerRuntime({ namespace, town: "discord:42", token: TOKEN });
    await a.start(startRequest("polecat-web-1"));
    expect(addressed).toEqual(["slack:T1", "discord:42"]);
    expect((await a.list()).map((x) => x.agentId)).toEqual(["polecat-web-1"]);
    expect(await b.list()).toEqual([]);
  });
});
