import type { Launch } from "../ports";
import type { AdapterContext, AgentAdapter } from "./adapter";
import { promptArg, secretNames } from "./common";
import { opencodeStyle } from "./opencode-config";

/**
 * opencode (`opencode-ai`) with `opencode run`: it works the prompt through to the end and
 * prints each step (tool calls, edits, command output) as formatted text, which is what
 * the PTY snapshot shows. Offline-proven against the scripted model server.
 */
export class OpencodeAdapter implements AgentAdapter {
  /** Build argv/env; the config travels in OPENCODE_CONFIG_CONTENT. */
  async build(ctx: AdapterContext): Promise<Launch> {
    const files: string[] = [];
    const { model, env } = await opencodeStyle(ctx, "OPENCODE");
    const argv: [string, ...string[]] = [ctx.cfg.bins?.opencode ?? "opencode", "run", "--model", model, "--", await promptArg(ctx, files)];
    return { argv, env, cwd: ctx.ws.cwd, secretEnv: secretNames(env), files };
  }
}
