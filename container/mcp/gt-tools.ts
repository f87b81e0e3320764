import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { Severity } from "../../core/domain";
import { errorMessage } from "../../core/errors";
import { BeadId } from "../../core/ids";
import type { Logger } from "../../core/ports";
import type { AgentApiClient } from "./agent-api-client";

/**
 * The gt tools every agent gets over MCP. Each tool is one call to the Worker's agent API;
 * a refused or failed call comes back as a tool error the model can read, never a crash.
 * Input schemas mirror core/town-api.ts (AgentDoneRequest, AgentMailSendRequest,
 * AgentEscalateRequest) so the model is told the same limits the Worker enforces.
 */

export const GT_TOOL_NAMES = ["gt_done", "gt_mail_send", "gt_mail_check", "gt_escalate", "gt_bead_show", "gt_status"] as const;

const ok = (value: unknown): CallToolResult => ({ content: [{ type: "text", text: JSON.stringify(value, null, 2) }] });
const fail = (message: string): CallToolResult => ({ content: [{ type: "text", text: message }], isError: true });

/** Build an MCP server exposing the gt tools over the given agent API client. */
export function createGtMcpServer(api: AgentApiClient, logger: Logger, version = "0.1.0"): McpServer {
  const server = new McpServer({ name: "gt", version });
  const run = async (tool: string, call: () => Promise<unknown>): Promise<CallToolResult> => {
    try {
      return ok(await call());
    } catch (e) {
      logger.warn("gt tool failed", { tool, error: errorMessage(e) });
      return fail(`${tool} failed: ${errorMessage(e)}`);
    }
  };

  server.registerTool(
    "gt_done",
    {
      description:
        "Tell Gastown your work on the bead is finished. Commit everything on your branch first. The branch then enters the refinery merge queue.",
      inputSchema: { summary: z.string().trim().min(1).max(10_000).describe("What you changed and why, for the people reviewing the merge") },
    },
    ({ summary }) => run("gt_done", () => api.done({ summary })),
  );

  server.registerTool(
    "gt_mail_send",
    {
      description: "Send mail to another agent (by agent id) or to the agent working on a bead (by bead id).",
      inputSchema: {
        to: z.string().min(1).max(100).describe("Agent id or bead id"),
        subject: z.string().trim().min(1).max(300),
        body: z.string().max(50_000).default(""),
      },
    },
    ({ to, subject, body }) => run("gt_mail_send", () => api.sendMail({ to, subject, body })),
  );

  server.registerTool(
    "gt_mail_check",
    { description: "Read your unread mail (messages from people and other agents)." },
    () => run("gt_mail_check", () => api.checkMail()),
  );

  server.registerTool(
    "gt_escalate",
    {
      description: "Ask a human for help when you are stuck or blocked. Severity picks who gets paged.",
      inputSchema: {
        severity: Severity.describe("low, medium, high or critical"),
        title: z.string().trim().min(1).max(300),
        body: z.string().max(50_000).default(""),
        metadata: z.record(z.string(), z.unknown()).default({}).describe("Any structured details (error output, file names)"),
      },
    },
    ({ severity, title, body, metadata }) => run("gt_escalate", () => api.escalate({ severity, title, body, metadata })),
  );

  server.registerTool(
    "gt_bead_show",
    { description: "Show a bead (a unit of work): title, body, status, dependencies.", inputSchema: { bead_id: BeadId.describe("e.g. gt-4k2m") } },
    ({ bead_id }) => run("gt_bead_show", () => api.showBead(bead_id)),
  );

  server.registerTool(
    "gt_status",
    { description: "Show your hook (the bead you are working on) and what the town knows about you." },
    () => run("gt_status", () => api.status()),
  );

  return server;
}
