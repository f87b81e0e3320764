import type { Launch } from "../ports";
import type { AdapterContext, AgentAdapter } from "./adapter";
import { promptArg, secretNames } from "./common";
import { opencodeStyle } from "./opencode-config";

/**
 * Kilo (`@kilocode/cli` 1.x, an opencode fork): `kilo run --auto` works unattended (no
 * permission prompts); config in KILO_CONFIG_CONTENT with opencode's shape. Not installed in
 * this project's test environment: argv/env are unit-tested only.
 */
export class KiloAdapter implements AgentAdapter {
  /** Build argv/env; the config travels in KILO_CONFIG_CONTENT. */
  async build(ctx: AdapterContext): Promise<Launch> {
    const files: string[] = [];
    const { model, env } = await opencodeStyle(ctx, "KILO");
    const argv: [string, ...string[]] = [ctx.cfg.bins?.kilo ?? "kilo", "run", "--auto", "--model", model, "--", await promptArg(ctx, files)];
    return { argv, env, cwd: ctx.ws.cwd, secretEnv: secretNames(env), files };
  }
}
