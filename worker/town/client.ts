import type { TownId } from "../../core/ids";
import type { Env } from "../env";
import type { OpArgs, OpName, OpResult } from "./ops";
import { unwrapOutcome } from "./outcome";

/** The bits of a request context the client needs: the bindings and the validated town. */
export interface TownRequest {
  env: Env;
  var: { town: TownId };
}

/** The TownDO of the request's town (`idFromName(town)`). */
export function townStub(c: TownRequest) {
  return c.env.TOWN.get(c.env.TOWN.idFromName(c.var.town));
}

/**
 * Typed Worker-side client of a TownDO: `callTown(c, "addRig", input)` runs the operation
 * inside the town's DO and returns its value, or throws the operation's GastownError.
 */
export async function callTown<K extends OpName>(c: TownRequest, name: K, ...args: OpArgs<K>): Promise<OpResult<K>> {
  const outcome = await townStub(c).call(name, args);
  return unwrapOutcome(outcome) as OpResult<K>;
}
