import type { Rig } from "../../core/domain";
import { BeadId } from "../../core/ids";
import { beadCard } from "../cards";
import { formatAt } from "../time-format";
import { type CommandContext, code, priv, pub, type Reply } from "./context";
import type { Command } from "./grammar";
import { helpText, USAGE } from "./grammar";
import { executeOncall } from "./oncall-commands";
import { convoyStatusText, mergeQueueText } from "./queue-text";

export type { CommandContext, Reply } from "./context";

/** A rig's settings and quality gates, one per line. */
function rigText(rig: Rig): string {
  const c = rig.config;
  const approvers = c.mergePolicy === "approve" ? ` (approvers: ${c.approvers.map((a) => code(a)).join(", ")})` : "";
  const gates = c.qualityGates.map((g) => `  ◦ ${code(g.name)}: ${code(g.argv.join(" "))} (up to ${g.timeoutSec}s)`);
  return [
    `**Rig ${rig.name}**: ${rig.gitUrl}, branch ${code(rig.defaultBranch)}, beads ${code(`${rig.beadPrefix}-…`)}`,
    `• agent ${code(c.agent)}, up to ${c.maxPolecats} polecat(s), stalled after ${c.staleAfterMin} min without a heartbeat`,
    `• merges: ${c.mergePolicy}${approvers}${c.review === "llm" ? ", reviewed by the town's model first" : ""}`,
    gates.length > 0 ? `• quality gates, in order:\n${gates.join("\n")}` : "• quality gates: none",
  ].join("\n");
}

/** The rig of this channel (by binding), or null. */
async function channelRig(ctx: CommandContext): Promise<string | null> {
  return (await ctx.town.channelOf(ctx.platform, ctx.channelId))?.rigId ?? null;
}

/**
 * Run one parsed command against the town. Town errors (GastownError) propagate; the router
 * turns them into a private reply. The `mayor` command is the router's (it needs the thread).
 */
export async function executeCommand(cmd: Command, ctx: CommandContext): Promise<Reply[]> {
  const { town, actor } = ctx;
  switch (cmd.cmd) {
    case "help":
      return [priv(cmd.topic && USAGE[cmd.topic] ? `Usage: ${code(ctx.prefix + USAGE[cmd.topic])}` : helpText(ctx.prefix))];
    case "rig_add": {
      const config = { ...(cmd.mergePolicy ? { mergePolicy: cmd.mergePolicy } : {}), ...(cmd.approvers ? { approvers: cmd.approvers } : {}) };
      const rig = await town.addRig({ name: cmd.name, gitUrl: cmd.gitUrl, defaultBranch: cmd.branch, actor, ...(Object.keys(config).length > 0 ? { config } : {}) });
      await town.bindChannel(ctx.platform, ctx.channelId, rig.id);
      const merges = rig.config.mergePolicy === "approve" ? ` Merges wait for an Approve from ${rig.config.approvers.map((a) => code(a)).join(", ")}.` : "";
      return [pub(`Rig ${code(rig.name)} (${rig.gitUrl}, branch ${code(rig.defaultBranch)}) is bound to this channel.${merges} Sling work with ${code(`${ctx.prefix}sling <title>`)}.`)];
    }
    case "rig_list": {
      const rigs = await town.listRigs();
      if (rigs.length === 0) return [priv(`No rigs yet. Bind this channel with ${code(`${ctx.prefix}rig add <git-url>`)}.`)];
      return [priv(["**Rigs**", ...rigs.map((r) => `• ${code(r.name)} ${r.gitUrl} (${r.defaultBranch}, ${r.config.agent}, merge ${r.config.mergePolicy})`)].join("\n"))];
    }
    case "rig_remove":
      await town.removeRig(cmd.name, actor);
      return [pub(`Rig ${code(cmd.name)} removed.`)];
    case "rig_show": {
      const name = cmd.name ?? (await channelRig(ctx));
      if (!name) return [priv(`This channel is not bound to a rig. Give one: ${code(`${ctx.prefix}rig show <name>`)}.`)];
      return [priv(rigText(await town.getRig(name)))];
    }
    case "rig_set": {
      const rig = await town.updateRig(cmd.name, { config: cmd.config, actor, memberOf: ctx.memberOf ?? [] });
      return [pub(`Rig ${code(rig.name)} updated by ${actor.name ?? actor.id}.\n${rigText(rig)}`)];
    }
    case "rig_gate_add": {
      const rig = await town.updateRig(cmd.name, { gate: { put: cmd.gate }, actor, memberOf: ctx.memberOf ?? [] });
      return [pub(`Quality gate ${code(cmd.gate.name)} on rig ${code(rig.name)}: ${code(cmd.gate.argv.join(" "))} (up to ${cmd.gate.timeoutSec}s). Every merge runs it.`)];
    }
    case "rig_gate_remove": {
      const rig = await town.updateRig(cmd.name, { gate: { remove: cmd.gate }, actor, memberOf: ctx.memberOf ?? [] });
      return [pub(`Quality gate ${code(cmd.gate)} removed from rig ${code(rig.name)}.`)];
    }
    case "sling": {
      const rig = cmd.rig ?? (await channelRig(ctx));
      if (!rig) return [priv(`This channel is not bound to a rig. Use ${code("--rig NAME")} or ${code(`${ctx.prefix}rig add <git-url>`)} here first.`)];
      const { bead, agentId } = await town.sling({ rig, title: cmd.title, type: cmd.type, priority: cmd.priority, actor });
      const who = agentId ? ` and hooked to ${code(agentId)}` : "";
      return [priv(`Slung ${code(bead.id)}${who}: ${bead.title}. Its card and thread follow in the rig's channel.`)];
    }
    case "status": {
      const id = cmd.bead ?? ctx.threadBead;
      if (id) return [priv(`Status of ${code(id)}`, { card: beadCard(await town.getBead(id)).card })];
      const [beads, agents] = await Promise.all([town.listBeads({ limit: 100 }), town.listAgents()]);
      const open = beads.filter((b) => b.status !== "closed" && ["task", "bug", "feature", "epic"].includes(b.type));
      const lines = [
        `**Town ${town.town}**: ${open.length} open bead(s), ${agents.length} agent(s)`,
        ...open.slice(0, 25).map((b) => `• ${code(b.id)} ${b.priority} ${b.status.replace("_", " ")} — ${b.title}${b.assignee ? ` (${b.assignee})` : ""}`),
        ...agents.slice(0, 25).map((a) => `◦ ${code(a.id)} ${a.role} ${a.status}${a.hookedBeadId ? ` on ${code(a.hookedBeadId)}` : ""}`),
      ];
      return [priv(lines.join("\n"))];
    }
    case "peek": {
      const isBead = BeadId.safeParse(cmd.target).success;
      const s = await town.peek(cmd.target, isBead);
      return [pub(`Terminal of ${code(s.agentId)}`, { terminal: { text: s.text, ansi: s.ansi, title: s.agentId }, buttons: [{ action: "peek_again", label: "Peek again", value: cmd.target }] })];
    }
    case "nudge": {
      await town.nudge(cmd.target, BeadId.safeParse(cmd.target).success, cmd.text, actor);
      return [pub(`Nudged ${code(cmd.target)}: ${cmd.text}`)];
    }
    case "stop":
      await town.stopBead(cmd.bead, actor);
      return [pub(`Stopping ${code(cmd.bead)}.`)];
    case "mq_list":
      return [priv(mergeQueueText(await town.mergeQueue(cmd.rig)))];
    case "merge": {
      await town.decideMerge(cmd.bead, { decision: cmd.decision, reason: cmd.reason, actor, memberOf: ctx.memberOf ?? [] });
      const where = ctx.threadBead === cmd.bead ? "" : " The result follows in the bead's thread and on its card.";
      return [pub(cmd.decision === "approve" ? `Merge of ${code(cmd.bead)} approved.${where}` : `Merge of ${code(cmd.bead)} rejected${cmd.reason ? `: ${cmd.reason}` : "."}${where}`)];
    }
    case "convoy_create": {
      const c = await town.createConvoy({ name: cmd.name, beadIds: cmd.beads, actor });
      return [priv(`Convoy ${code(c.name)} (${code(c.id)}) tracks ${cmd.beads.map(code).join(", ")}. Its card follows in the channel.`)];
    }
    case "convoy_add": {
      const c = await town.addToConvoy(cmd.convoy, cmd.beads, actor);
      return [pub(`Added ${cmd.beads.map(code).join(", ")} to convoy ${code(c.name)} (${c.closed ?? 0}/${c.total ?? c.beadIds.length} closed).`)];
    }
    case "convoy_status": {
      const convoys = cmd.convoy ? [await town.getConvoy(cmd.convoy)] : await town.listConvoys();
      return [priv(convoyStatusText(convoys))];
    }
    case "escalations": {
      const list = await town.listEscalations();
      if (list.length === 0) return [priv("No open escalations.")];
      return [priv(["*Escalations*", ...list.map((e) => `• ${code(e.id)} ${e.severity.toUpperCase()} ${e.title}${e.status ? ` (${e.status})` : ""}`)].join("\n"))];
    }
    case "escalate": {
      const rig = await channelRig(ctx);
      const e = await town.raiseEscalation({ severity: cmd.severity, title: cmd.title, ...(cmd.body ? { body: cmd.body } : {}), beadId: ctx.threadBead, rig: rig ?? undefined, actor });
      const next = e.heldUntil ? `it waits out quiet hours until ${formatAt(e.heldUntil, "UTC", ctx.now?.())}` : `on-call is pinged${e.beadId ? " in the bead's thread" : ""}`;
      return [priv(`Escalation ${code(e.id)} raised (${e.severity}); ${next}.`)];
    }
    case "ack":
      await town.ackEscalation(cmd.escalation, actor);
      return [pub(`Escalation ${code(cmd.escalation)} acknowledged.`)];
    case "oncall_set":
    case "oncall_rotate":
    case "oncall_quiet":
    case "oncall_quiet_off":
    case "oncall_show":
      return executeOncall(cmd, ctx, cmd.cmd === "oncall_show" ? await channelRig(ctx) : null);
    case "mayor":
      // The router handles the mayor (it owns the conversation thread); reaching here is a wiring bug.
      return [priv("The mayor is not reachable from here.")];
  }
}
