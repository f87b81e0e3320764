import { GastownError } from "../../core/errors";
import { agentOps } from "./agent-ops";
import { beadOps } from "./bead-ops";
import { chatOps } from "./chat-ops";
import type { TownContext } from "./context";
import { controlOps } from "./control-ops";
import { convoyOps } from "./convoy-ops";
import { escalationOps } from "./escalation-ops";
import { mailOps } from "./mail-ops";
import { mayorOps } from "./mayor-ops";
import { mergeOps } from "./merge-ops";
import { rigOps } from "./rig-ops";
import { workOps } from "./work-ops";

/**
 * Every operation the Town API can ask of a TownDO, by name. The DO exposes one RPC method
 * (`call`) that runs one of these; the Worker calls them through the typed client in
 * worker/town/client.ts. Each operation is a one-liner into db/ or worker/town/*.
 */
export const townOps = {
  ...rigOps,
  ...beadOps,
  ...workOps,
  ...convoyOps,
  ...mailOps,
  ...mergeOps,
  ...escalationOps,
  ...chatOps,
  ...controlOps,
  ...agentOps,
  ...mayorOps,
};

export type TownOps = typeof townOps;
export type OpName = keyof TownOps;
export type OpArgs<K extends OpName> = TownOps[K] extends (t: TownContext, ...args: infer A) => unknown ? A : never;
export type OpResult<K extends OpName> = Awaited<ReturnType<TownOps[K]>>;

type AnyOp = (t: TownContext, ...args: unknown[]) => unknown;

/** Runs the named operation; an unknown name is a `not_found` (a Worker/DO version skew). */
export function runTownOp(t: TownContext, name: string, args: readonly unknown[]): unknown {
  if (!Object.hasOwn(townOps, name)) throw new GastownError("not_found", `unknown town operation ${name}`);
  const op = townOps[name as OpName] as AnyOp;
  return op(t, ...args);
}
