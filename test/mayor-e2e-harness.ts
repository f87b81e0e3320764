import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { makeTempOrigin, type TempOrigin } from "../container/git/test-repos";
import type { Actor } from "../core/domain";
import { type ModelRouter, type RoutedScript, startModelRouter } from "./fakes/model-router";
import { FakeSlackApi } from "./fakes/slack-api";
import { until } from "./fakes/slack-harness";
import { eventBody, postSigned, slashCommandBody } from "./fakes/slack-sign";
import { type LocalTown, startLocalTown } from "./harness/local-town";

/**
 * The running town (scripts/start.mjs: wrangler dev, the container control server, the bot)
 * between a fake Slack and a scripted mayor, with two rigs in two channels and no polecats
 * (maxPolecats 0), for the mayor's end-to-end test and its Node-side benchmark. Model calls go
 * through a recording proxy in front of the model router, so a test can read what the model
 * was told (tool results) and when its first token left.
 */

export const SECRET = "mayor-e2e-signing-secret";
export const TEAM = "TMAYOR";
export const TOWN = `slack:${TEAM}`;
export const CHANNELS = { app: "C0APP", api: "C0API" } as const;
export const ALICE = "U0ALICE";
const OWNER: Actor = { kind: "user", id: "slack:user:U0OWNER", name: "owner" };

/** One request the mayor's client sent to the model, as received by the proxy. */
export interface ModelCall {
  path: string;
  body: { system?: unknown; messages?: { role?: string; content?: unknown }[] };
  /** performance.now() when the first text delta of the answer was written back to the client. */
  firstTextAt: number | null;
}

export interface ModelCapture {
  url: string;
  calls: ModelCall[];
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

/** A pass-through proxy to `target` that records request bodies and the first text delta sent back. */
export async function startModelCapture(target: string): Promise<ModelCapture> {
  const calls: ModelCall[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const call: ModelCall = { path: req.url ?? "/", body: raw ? (JSON.parse(raw) as ModelCall["body"]) : {}, firstTextAt: null };
      calls.push(call);
      const headers: Record<string, string> = {};
      for (const h of ["content-type", "x-api-key", "authorization", "anthropic-version"]) {
        const v = req.headers[h];
        if (typeof v === "string") headers[h] = v;
      }
      const upstream = await fetch(`${target}${req.url ?? "/"}`, { method: req.method ?? "POST", headers, ...(raw ? { body: raw } : {}) });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/octet-stream" });
      if (upstream.body) {
        const decoder = new TextDecoder();
        const reader = upstream.body.getReader();
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          const chunk = r.value;
          const text = decoder.decode(chunk, { stream: true });
          res.write(chunk);
          // Anthropic `text_delta`, OpenAI `delta.content`: the first token the client can show.
          if (call.firstTextAt === null && /"text_delta"|"delta":\{[^}]*"content":"[^"]/.test(text)) call.firstTextAt = performance.now();
        }
      }
      res.end();
    })().catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * The mayor's script: sling one bead on each rig, group them in a convoy, report; asked again
 * in the same thread, look the convoy up and answer. `$BEADn` are the ids in the tool results
 * so far ($BEAD0 app's bead, $BEAD1 api's bead, $BEAD2 the convoy).
 */
export const MAYOR_SCRIPT: RoutedScript = {
  name: "mayor",
  match: /You are the mayor/,
  turns: [
    {
      text: "On it: one bead per service.",
      tools: [
        { name: "sling", input: { rig: "app", title: "Fix the Safari login timeout", body: "Done when login works on Safari.", type: "bug", priority: "P1" } },
        { name: "sling", input: { rig: "api", title: "Bump the SDK", body: "Done when the SDK is on the latest version." } },
      ],
    },
    { tools: [{ name: "convoy_create", input: { name: "safari-and-sdk", bead_ids: ["$BEAD0", "$BEAD1"] } }] },
    { text: "Slung $BEAD0 on app and $BEAD1 on api, tracked together in convoy $BEAD2." },
    { tools: [{ name: "convoy_status", input: { convoy_id: "$BEAD2" } }] },
    { text: "Convoy $BEAD2: $BEAD0 is closed, $BEAD1 is still open." },
  ],
};

export type ModelApi = "anthropic" | "openai";

export interface MayorTown {
  town: LocalTown;
  slack: FakeSlackApi;
  model: ModelRouter;
  capture: ModelCapture;
  /** POST a signed body to the bot's /slack/events. */
  send(body: string): Promise<Response>;
  api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
  /** Ask the mayor with a mention (in a thread when `threadTs` is given); resolves when sent. */
  mention(text: string, ts: string, threadTs?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Start the town with the scripted mayor on `api`, and bind rigs `app` and `api` to their channels with no polecats. */
export async function startMayorTown(api: ModelApi, scripts: RoutedScript[] = [MAYOR_SCRIPT]): Promise<MayorTown> {
  const origins: TempOrigin[] = [makeTempOrigin("app"), makeTempOrigin("api")];
  const slack = await new FakeSlackApi({ teamId: TEAM }).start();
  const model = await startModelRouter(scripts);
  const capture = await startModelCapture(model.url);
  const modelEnv: Record<string, string> =
    api === "anthropic"
      ? { ANTHROPIC_BASE_URL: capture.url, ANTHROPIC_API_KEY: "sk-ant-e2e-0123456789abcdefghijklmn", GASTOWN_MODEL: "claude-sonnet-4-5" }
      : { OPENAI_BASE_URL: `${capture.url}/v1`, OPENAI_API_KEY: "sk-e2e-0123456789abcdefghijklmn", GASTOWN_MODEL: "gpt-4.1" };
  const parentEnv = process.env as Record<string, string>;
  // The worker picks Anthropic whenever its key is set: keep the other provider's settings out.
  const cleared = Object.fromEntries(["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"].filter((k) => parentEnv[k]).map((k) => [k, ""]));
  const town = await startLocalTown({
    env: { ...(origins[0] as TempOrigin).env, ...cleared, ...modelEnv, SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url },
  });
  const send = (body: string) => postSigned(`${town.botUrl}/slack/events`, SECRET, body);
  const townPath = `/towns/${encodeURIComponent(TOWN)}`;
  const mt: MayorTown = {
    town,
    slack,
    model,
    capture,
    send,
    api: (method, path, body) => town.api(method, `${townPath}${path}`, body),
    async mention(text, ts, threadTs) {
      const event = { type: "app_mention", channel: CHANNELS.app, user: ALICE, text: `<@${slack.botUserId}> ${text}`, ts, ...(threadTs ? { thread_ts: threadTs } : {}) };
      const res = await send(eventBody(event, `Ev${ts.replace(".", "")}`, TEAM));
      if (res.status !== 200) throw new Error(`the bot answered ${res.status} to a mention`);
    },
    async stop() {
      await town.stop();
      await capture.close();
      await model.close();
      await slack.stop();
      for (const o of origins) o.cleanup();
    },
  };
  for (const [i, name] of (["app", "api"] as const).entries()) {
    const res = await send(slashCommandBody({ text: `rig add ${(origins[i] as TempOrigin).origin} --name ${name}`, channelId: CHANNELS[name], teamId: TEAM }));
    if (res.status !== 200) throw new Error(`rig add ${name}: ${res.status}`);
    await until(() => slack.posts().some((m) => m.channel === CHANNELS[name] && m.text.includes(`Rig \`${name}\``)), `rig ${name} bound`, 60_000);
    // No polecats: slung beads stay queued on their rigs and nothing else talks to the model.
    const patched = await mt.api("PATCH", `/rigs/${name}`, { config: { maxPolecats: 0 }, actor: OWNER });
    if (patched.status !== 200) throw new Error(`PATCH rig ${name}: ${patched.status} ${JSON.stringify(patched.json)}`);
  }
  return mt;
}
