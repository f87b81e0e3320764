import { describe, expect, inject, it } from "vitest";
import type { MergeResult } from "../../core/container-api";
import { getBead } from "../../db/beads";
import { inbox } from "../../db/mail";
import { mergeRequestView } from "../../db/merge-requests";
import type { ScriptTurn } from "../../test/fakes/model-server";
import { createAnthropicClient } from "../mayor/anthropic";
import { createOpenAiClient } from "../mayor/openai";
import { DEFAULT_REFINERY_POLICY, LLM_REVIEW } from "./policy";
import { modelReviewer, type Reviewer } from "./review";
import { mergeResult, type RefineryKit, withRefinery } from "./test-kit";

/**
 * The refinery's LLM review (rig config `review: llm`) through the real model clients and a
 * scripted model server speaking the provider's HTTP API: the dry run's patch goes to the
 * model, its review_verdict decides.
 */

const control = () => inject("modelControlUrl");
const PATCH = "diff --git a/src/app.ts b/src/app.ts\n--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1 +1 @@\n-export const timeout = 5;\n+export const timeout = 30;\n";

async function scriptedModel(script: ScriptTurn[]) {
  const res = await fetch(`${control()}/servers`, { method: "POST", body: JSON.stringify({ script }) });
  const { id, url } = (await res.json()) as { id: string; url: string };
  const requests = async () => ((await (await fetch(`${control()}/servers/${id}/requests`)).json()) as { requests: { body: unknown }[] }).requests;
  return { url, requests };
}

/** A review without a usable verdict leaves the merge to a person: nothing pushed. */
async function expectPersonDecides(reviewer: Reviewer): Promise<void> {
  await withRefinery(
    { review: "llm" },
    async (k) => {
      const { mr } = await reviewOne(k);
      expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "awaiting_approval", detail: expect.stringContaining("could not run") });
      expect(k.runtime.merges().map((m) => m.push)).toEqual([false]);
    },
    DEFAULT_REFINERY_POLICY,
    reviewer,
  );
}

const verdict = (input: Record<string, unknown>): ScriptTurn[] => [{ tools: [{ name: "review_verdict", input }] }];

/** A bead worked and handed in; the container answers the dry run with PATCH (then `more`); one refinery pass. */
async function reviewOne(k: RefineryKit, ...more: MergeResult[]): Promise<{ beadId: string; agentId: string; mr: string }> {
  const w = await k.work("login times out after 5 s");
  const mr = k.done(w.beadId);
  k.runtime.answer(mergeResult({ diff: PATCH }), ...more);
  await k.refine();
  return { ...w, mr };
}

describe.each(["anthropic", "openai"] as const)("refinery: LLM review over the %s API", (api) => {
  const client = (url: string) =>
    api === "anthropic" ? createAnthropicClient({ baseUrl: url, apiKey: "sk-ant-test", model: "claude-test" }) : createOpenAiClient({ baseUrl: `${url}/v1`, apiKey: "sk-test", model: "gpt-test" });

  it("reviews the dry run's patch; approved, an auto rig's merge is pushed in the same pass", async () => {
    const model = await scriptedModel(verdict({ approve: true, summary: "raises the timeout as the bead asks" }));
    await withRefinery(
      { review: "llm" },
      async (k) => {
        const { beadId, mr } = await reviewOne(k, mergeResult());
        expect(k.runtime.merges().map((m) => [m.push, m.diff])).toEqual([
          [false, true],
          [true, false],
        ]);
        expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "merged", approvedBy: LLM_REVIEW });
        expect(k.mergeEvents(mr).map((e) => [e.data.state, e.data.by, e.data.detail])).toContainEqual(["queued", LLM_REVIEW, "approved by the LLM review: raises the timeout as the bead asks"]);
        expect(getBead(k.db, beadId).status).toBe("closed");
        // The model read the patch and the bead.
        const sent = JSON.stringify((await model.requests())[0]?.body);
        expect(sent).toContain("+export const timeout = 30;");
        expect(sent).toContain("login times out after 5 s");
        expect(sent).toContain("review_verdict");
      },
      DEFAULT_REFINERY_POLICY,
      modelReviewer(client(model.url)),
    );
  });

  it("changes asked: nothing is pushed, the bead goes back to its polecat with the comments", async () => {
    const model = await scriptedModel(verdict({ approve: false, summary: "no test for the new timeout", comments: "Add a test in src/app.test.ts." }));
    await withRefinery(
      { review: "llm" },
      async (k) => {
        const { agentId, mr } = await reviewOne(k);
        expect(k.runtime.merges().map((m) => m.push)).toEqual([false]);
        expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "rejected", detail: "the LLM review asks for changes: no test for the new timeout" });
        const mail = inbox(k.db, agentId);
        expect(mail.at(-1)).toMatchObject({ subject: expect.stringContaining("needs changes"), body: expect.stringContaining("Add a test in src/app.test.ts.") });
      },
      DEFAULT_REFINERY_POLICY,
      modelReviewer(client(model.url)),
    );
  });

  it("an approve rig still waits for a person after the review approves; a model answer without a verdict leaves it to a person", async () => {
    const model = await scriptedModel(verdict({ approve: true, summary: "looks right" }));
    await withRefinery(
      { review: "llm", mergePolicy: "approve" },
      async (k) => {
        const { mr } = await reviewOne(k);
        expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "awaiting_approval", approvedBy: null, detail: expect.stringContaining("The LLM review approves: looks right") });
        expect(k.runtime.merges().map((m) => m.push)).toEqual([false]);
      },
      DEFAULT_REFINERY_POLICY,
      modelReviewer(client(model.url)),
    );
    const silent = await scriptedModel([{ text: "Looks fine to me." }]);
    await expectPersonDecides(modelReviewer(client(silent.url)));
  });
});

describe("refinery: LLM review that does not answer in time", () => {
  it("is abandoned and a person decides", async () => {
    const model = await scriptedModel(verdict({ approve: true, summary: "late" }));
    const client = createAnthropicClient({ baseUrl: model.url, apiKey: "sk-ant-test", model: "claude-test" });
    await expectPersonDecides(modelReviewer(client, { timeoutMs: 0 }));
  });
});

describe("refinery: LLM review without a model", () => {
  it("never merges unreviewed: a person decides", async () => {
    await withRefinery({ review: "llm" }, async (k) => {
      const { mr } = await reviewOne(k);
      expect(mergeRequestView(k.db, mr)).toMatchObject({ state: "awaiting_approval", detail: expect.stringContaining("no model configured") });
      expect(k.runtime.merges().map((m) => m.push)).toEqual([false]);
    });
  });
});
