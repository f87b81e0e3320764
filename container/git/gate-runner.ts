import type { z } from "zod";
import type { GateResult } from "../../core/container-api";
import type { QualityGate } from "../../core/domain";
import type { Logger } from "../../core/ports";
import { runProcess } from "./run-process";

/** Output kept per gate: the tail, where test runners print their failures. */
export const GATE_OUTPUT_LIMIT = 64 * 1024;

export interface GateRunOptions {
  cwd: string;
  env: Record<string, string>;
  logger: Logger;
}

/** Run quality gates in order, stopping at the first that fails; returns what ran. */
export async function runGates(gates: QualityGate[], opts: GateRunOptions): Promise<z.infer<typeof GateResult>[]> {
  const results: z.infer<typeof GateResult>[] = [];
  for (const gate of gates) {
    const [cmd, ...args] = gate.argv;
    if (cmd === undefined) continue;
    const r = await runProcess([cmd, ...args], {
      cwd: opts.cwd,
      env: opts.env,
      timeoutMs: gate.timeoutSec * 1000,
      maxOutput: GATE_OUTPUT_LIMIT,
    });
    const ok = r.exitCode === 0 && !r.timedOut && r.spawnError === null;
    let output = r.output;
    if (r.spawnError) output = `${output}could not start ${cmd}: ${r.spawnError}\n`;
    if (r.timedOut) output = `${output}\n[killed: exceeded ${gate.timeoutSec}s limit]\n`;
    results.push({ name: gate.name, ok, exitCode: r.exitCode, timedOut: r.timedOut, output, ms: r.ms });
    opts.logger.info("gate finished", { gate: gate.name, ok, exitCode: r.exitCode, timedOut: r.timedOut, ms: r.ms });
    if (!ok) break;
  }
  return results;
}
