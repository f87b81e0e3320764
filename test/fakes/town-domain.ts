import type { Actor, Bead, MergeState, Rig, Severity } from "../../core/domain";
import type { NewTownEvent, TownEvent } from "../../core/events";
import {
  AckEscalationRequest,
  AddToConvoyRequest,
  ClearQuietHoursRequest,
  CreateConvoyRequest,
  MergeDecisionRequest,
  OncallSetRequest,
  QuietHoursRequest,
  RaiseEscalationRequest,
  SnoozeEscalationRequest,
} from "../../core/town-api";

/**
 * The refinery, convoy and escalation side of the fake Town API: merge requests with the
 * rig's approvers checked (403 like the Worker), convoys that land once, escalations with
 * ack / resolve / snooze, on-call entries and quiet hours. Bodies are parsed with the same
 * core/town-api schemas as the Worker; answers have the Worker's shapes.
 */

export interface FakeMergeRequest {
  id: string;
  sourceBeadId: string;
  sourceTitle: string;
  rigId: string;
  rig: string;
  branch: string;
  target: string;
  state: MergeState;
  attempts: number;
  detail: string | null;
  gates: { name: string; ok: boolean; exitCode: number | null; timedOut: boolean; output: string }[];
  diffStat: string;
  conflicts: string[];
  approvedBy: string | null;
}

export interface FakeEscalation {
  id: string;
  severity: Severity;
  title: string;
  body: string;
  source: string;
  rigId: string | null;
  beadId: string | null;
  targets: string[];
  ackedBy: string | null;
  resolvedBy: string | null;
  reescalations: number;
  heldUntil: number | null;
  snoozedUntil: number | null;
  snoozedBy: string | null;
}

interface FakeConvoy {
  id: string;
  name: string;
  beadIds: string[];
  landedAt: number | null;
}

type Answer = [number, unknown];

/** What the domain fake needs from the fake town around it. */
export interface FakeTownCore {
  rigs: Rig[];
  beads: Map<string, Bead>;
  emit(e: NewTownEvent): TownEvent;
  addBead(rigId: string | null, title: string, over?: Partial<Bead>): Bead;
  now(): number;
}

const OPEN: readonly MergeState[] = ["merging", "queued", "awaiting_approval"];
const err = (status: number, code: string, message: string): Answer => [status, { error: { code, message } }];

/** Holds and serves the merge / convoy / escalation state of a fake town. */
export class FakeTownDomain {
  readonly mergeRequests = new Map<string, FakeMergeRequest>();
  readonly escalations = new Map<string, FakeEscalation>();
  readonly convoys = new Map<string, FakeConvoy>();
  readonly oncall = new Map<string, unknown[]>();
  readonly quietHours = new Map<string, { scope: string; start: string; end: string; timeZone: string; updatedAt: number }>();
  private seq = 0;

  constructor(private readonly core: FakeTownCore) {}

  /** Put a merge request of `bead` in its rig's queue (as the refinery would) and announce it. */
  addMergeRequest(bead: Bead, over: Partial<FakeMergeRequest> = {}): FakeMergeRequest {
    const rig = this.core.rigs.find((r) => r.id === bead.rigId);
    this.seq += 1;
    const mr: FakeMergeRequest = {
      id: `gt-mr${this.seq.toString(36).padStart(2, "0")}`,
      sourceBeadId: bead.id,
      sourceTitle: bead.title,
      rigId: bead.rigId ?? "rig-?",
      rig: rig?.name ?? "?",
      branch: `gt/${bead.id}`,
      target: rig?.defaultBranch ?? "main",
      state: "queued",
      attempts: 0,
      detail: null,
      gates: [],
      diffStat: "",
      conflicts: [],
      approvedBy: null,
      ...over,
    };
    this.mergeRequests.set(mr.id, mr);
    this.announce(mr);
    return mr;
  }

  /** Move a merge request (as the refinery would) and announce it. */
  setMergeState(id: string, change: Partial<FakeMergeRequest>, by?: string): FakeMergeRequest {
    const mr = this.mergeRequests.get(id);
    if (!mr) throw new Error(`no merge request ${id}`);
    Object.assign(mr, change);
    this.announce(mr, by);
    return mr;
  }

  private announce(mr: FakeMergeRequest, by?: string): void {
    this.core.emit({
      type: "merge_request_updated",
      beadId: mr.sourceBeadId,
      rigId: mr.rigId,
      data: {
        mergeRequestId: mr.id,
        sourceBeadId: mr.sourceBeadId,
        branch: mr.branch,
        state: mr.state,
        detail: mr.detail,
        target: mr.target,
        attempts: mr.attempts,
        gates: mr.gates,
        diffStat: mr.diffStat,
        conflicts: mr.conflicts,
        ...(by ? { by } : {}),
      },
    });
  }

  /** Close a bead (as a merge would): bead_closed, then each convoy holding it moves and maybe lands. */
  closeBead(id: string): void {
    const bead = this.core.beads.get(id);
    if (!bead) throw new Error(`no bead ${id}`);
    const closed: Bead = { ...bead, status: "closed", closedAt: this.core.now() };
    this.core.beads.set(id, closed);
    this.core.emit({ type: "bead_closed", beadId: id, rigId: bead.rigId, data: { bead: closed, reason: "merged" } });
    for (const c of this.convoys.values()) if (c.beadIds.includes(id)) this.checkConvoy(c);
  }

  /** Record what the stream says about escalations, so GET /escalations/:id knows them. */
  observe(e: TownEvent): void {
    if (e.type !== "escalation_raised" && e.type !== "escalation_held") return;
    const d = e.data;
    const old = this.escalations.get(d.escalationId);
    this.escalations.set(d.escalationId, {
      id: d.escalationId,
      severity: d.severity,
      title: d.title,
      body: d.body,
      source: d.source,
      rigId: e.rigId,
      beadId: e.beadId,
      targets: d.targets,
      ackedBy: old?.ackedBy ?? null,
      resolvedBy: old?.resolvedBy ?? null,
      reescalations: old?.reescalations ?? 0,
      heldUntil: e.type === "escalation_held" ? e.data.until : null,
      snoozedUntil: old?.snoozedUntil ?? null,
      snoozedBy: old?.snoozedBy ?? null,
    });
  }

  private checkConvoy(c: FakeConvoy): void {
    if (c.landedAt !== null) return;
    const { closed, total } = this.counts(c);
    this.core.emit({ type: "convoy_progress", beadId: c.id, data: { convoyId: c.id, name: c.name, closed, total } });
    if (total === 0 || closed < total) return;
    c.landedAt = this.core.now();
    this.core.emit({ type: "convoy_landed", beadId: c.id, data: { convoyId: c.id, name: c.name, total } });
  }

  private counts(c: FakeConvoy): { closed: number; total: number } {
    return { closed: c.beadIds.filter((b) => this.core.beads.get(b)?.status === "closed").length, total: c.beadIds.length };
  }

  private convoyView(c: FakeConvoy) {
    const beads = c.beadIds.map((id) => {
      const b = this.core.beads.get(id);
      return { id, title: b?.title ?? id, status: b?.status ?? "open" };
    });
    return { id: c.id, convoyId: c.id, name: c.name, beadIds: c.beadIds, landedAt: c.landedAt, ...this.counts(c), beads };
  }

  private escalationView(e: FakeEscalation) {
    const status = e.resolvedBy ? "resolved" : e.ackedBy ? "acked" : e.heldUntil ? "held" : "open";
    return { ...e, subjectBeadId: e.beadId, status };
  }

  private scope(rig: string | null | undefined): string | null {
    if (!rig) return "*";
    return this.core.rigs.find((r) => r.id === rig || r.name === rig)?.id ?? null;
  }

  /** May this person decide merges of the rig (the Worker's approver rule)? */
  private mayDecide(rig: Rig | undefined, actor: Actor, memberOf: readonly string[]): boolean {
    if (actor.kind !== "user") return false;
    return (rig?.config.approvers ?? ["channel"]).some((a) => a === "channel" || a === actor.id || (/^[a-z]+:(group|role):/.test(a) && memberOf.includes(a)));
  }

  /** Answer a route of this domain, or null when it is not one. */
  route(method: string, path: string, q: URLSearchParams, body: unknown): Answer | null {
    const m = /^\/(merge-requests|escalations|convoys)\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    const id = m?.[2] ? decodeURIComponent(m[2]) : "";
    if (method === "GET" && path === "/merge-queue") {
      const rig = q.get("rig");
      const items = [...this.mergeRequests.values()].filter((x) => OPEN.includes(x.state) && (!rig || x.rigId === rig || x.rig === rig));
      const byRig = new Map<string, FakeMergeRequest[]>();
      for (const x of items) byRig.set(x.rigId, [...(byRig.get(x.rigId) ?? []), x]);
      const out = [...byRig.values()].flatMap((list) => list.sort((a, b) => OPEN.indexOf(a.state) - OPEN.indexOf(b.state)).map((x, i) => ({ ...x, position: i + 1 })));
      return [200, { items: out }];
    }
    if (m?.[1] === "merge-requests") {
      const mr = [...this.mergeRequests.values()].reverse().find((x) => x.id === id || x.sourceBeadId === id);
      if (!mr) return err(404, "not_found", `merge request ${id}`);
      if (method === "GET" && !m[3]) return [200, { mergeRequest: { ...mr, position: null } }];
      if (method === "POST" && m[3] === "decision") {
        const r = MergeDecisionRequest.parse(body);
        const rig = this.core.rigs.find((x) => x.id === mr.rigId);
        const who = r.actor.name ?? r.actor.id;
        if (!this.mayDecide(rig, r.actor, r.memberOf)) return err(403, "forbidden", `${who} may not approve or reject merges on rig ${mr.rig}`);
        if (r.decision === "approve") {
          if (mr.state !== "awaiting_approval") return err(409, "conflict", `the merge of ${mr.branch} is ${mr.state}`);
          this.setMergeState(mr.id, { state: "queued", approvedBy: r.actor.id, detail: `approved by ${who}` }, r.actor.id);
        } else {
          this.setMergeState(mr.id, { state: "rejected", detail: `rejected by ${who}: ${r.reason ?? "no reason given"}` }, r.actor.id);
        }
        return [200, { mergeRequest: mr }];
      }
    }
    if (method === "POST" && path === "/convoys") {
      const r = CreateConvoyRequest.parse(body);
      const missing = r.beadIds.find((b) => !this.core.beads.has(b));
      if (missing) return err(404, "not_found", `bead ${missing}`);
      const bead = this.core.addBead(null, r.name, { type: "convoy", createdBy: r.actor });
      const c: FakeConvoy = { id: bead.id, name: r.name, beadIds: [...new Set(r.beadIds)], landedAt: null };
      this.convoys.set(c.id, c);
      this.core.emit({ type: "convoy_created", beadId: c.id, actor: r.actor, data: { convoyId: c.id, name: c.name, beadIds: c.beadIds } });
      this.checkConvoy(c);
      return [201, { convoy: this.convoyView(c) }];
    }
    if (method === "GET" && path === "/convoys") return [200, { convoys: [...this.convoys.values()].reverse().map((c) => this.convoyView(c)) }];
    if (m?.[1] === "convoys") {
      const c = this.convoys.get(id);
      if (!c) return err(404, "not_found", `convoy ${id}`);
      if (method === "GET" && !m[3]) return [200, { convoy: this.convoyView(c) }];
      if (method === "POST" && m[3] === "beads") {
        const r = AddToConvoyRequest.parse(body);
        if (c.landedAt !== null) return err(409, "conflict", `convoy ${c.name} has already landed`);
        const added = r.beadIds.filter((b) => !c.beadIds.includes(b));
        c.beadIds.push(...added);
        if (added.length > 0) this.checkConvoy(c);
        return [200, { convoy: this.convoyView(c) }];
      }
    }
    if (method === "GET" && path === "/escalations") return [200, { escalations: [...this.escalations.values()].filter((e) => !e.resolvedBy).map((e) => this.escalationView(e)) }];
    if (method === "POST" && path === "/escalations") {
      const r = RaiseEscalationRequest.parse(body);
      this.seq += 1;
      const escalationId = `gt-es${this.seq.toString(36).padStart(2, "0")}`;
      const rigId = r.rig ? this.scope(r.rig) : null;
      const ev = this.core.emit({
        type: "escalation_raised",
        beadId: r.beadId ?? null,
        rigId: rigId === "*" ? null : rigId,
        actor: r.actor,
        data: { escalationId, severity: r.severity, title: r.title, body: r.body, source: r.actor.name ?? r.actor.id, targets: [] },
      });
      this.observe(ev);
      return [201, { escalation: this.escalationView(this.escalations.get(escalationId) as FakeEscalation) }];
    }
    if (m?.[1] === "escalations") {
      const e = this.escalations.get(id);
      if (!e) return err(404, "not_found", `escalation ${id}`);
      if (method === "GET" && !m[3]) return [200, { escalation: this.escalationView(e) }];
      if (method === "POST" && (m[3] === "ack" || m[3] === "resolve")) {
        const { actor } = AckEscalationRequest.parse(body);
        if (m[3] === "ack") e.ackedBy ??= actor.id;
        else e.resolvedBy ??= actor.id;
        const type = m[3] === "ack" ? "escalation_acked" : "escalation_resolved";
        this.core.emit({ type, beadId: e.beadId, rigId: e.rigId, actor, data: { escalationId: id, by: actor.id } });
        return [200, { escalation: this.escalationView(e) }];
      }
      if (method === "POST" && m[3] === "snooze") {
        const r = SnoozeEscalationRequest.parse(body);
        const until = this.core.now() + r.minutes * 60_000;
        Object.assign(e, { snoozedUntil: until, snoozedBy: r.actor.id });
        this.core.emit({ type: "escalation_snoozed", beadId: e.beadId, rigId: e.rigId, actor: r.actor, data: { escalationId: id, by: r.actor.id, minutes: r.minutes, until } });
        return [200, { escalation: this.escalationView(e) }];
      }
    }
    if ((method === "POST" || method === "PUT") && path === "/oncall") {
      const r = OncallSetRequest.parse(body);
      const scope = this.scope(r.rig);
      if (!scope) return err(404, "not_found", `rig ${r.rig}`);
      const rotation = r.rotation ? { ...r.rotation, startsAt: typeof r.rotation.startsAt === "number" ? r.rotation.startsAt : Date.parse(r.rotation.startsAt) } : null;
      const entry = { scope, severity: r.severity, targets: r.targets, rotation, onCall: [...r.targets, ...(rotation?.shifts[0] ?? [])], handoverAt: null, updatedAt: this.core.now() };
      this.oncall.set(scope, [...(this.oncall.get(scope) ?? []).filter((x) => (x as { severity: string }).severity !== r.severity), entry]);
      return [200, { oncall: entry }];
    }
    if (method === "GET" && path === "/oncall") {
      const scope = this.scope(q.get("rig"));
      return scope ? [200, { oncall: this.oncall.get(scope) ?? [] }] : err(404, "not_found", "rig");
    }
    if (path === "/oncall/quiet-hours") {
      if (method === "PUT") {
        const r = QuietHoursRequest.parse(body);
        const scope = this.scope(r.rig);
        if (!scope) return err(404, "not_found", `rig ${r.rig}`);
        const row = { scope, start: r.start, end: r.end, timeZone: r.timeZone, updatedAt: this.core.now() };
        this.quietHours.set(scope, row);
        return [200, { quietHours: row }];
      }
      if (method === "GET") {
        const scope = this.scope(q.get("rig"));
        return [200, { quietHours: (scope && this.quietHours.get(scope)) || null }];
      }
      if (method === "DELETE") {
        const r = ClearQuietHoursRequest.parse(body);
        const scope = this.scope(r.rig) ?? "";
        return [200, { cleared: this.quietHours.delete(scope) }];
      }
    }
    return null;
  }
}
