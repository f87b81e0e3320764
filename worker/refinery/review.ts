import { z } from "zod";
import { errorMessage } from "../../core/errors";
import { buildReviewPrompt, type ReviewPromptInput } from "../../prompts/build";
import type { ModelClient } from "../mayor/model";

/**
 * The refinery's LLM review (rigs with `review: llm`): after a dry-run merge passed its gates,
 * the town's model reads the patch against the bead and answers with one `review_verdict`
 * tool call. Approve: the merge goes in (auto) or on to a person (approve). Changes asked:
 * the bead goes back to its polecat with the comments as mail.
 */

export const ReviewVerdict = z.object({
  approve: z.boolean(),
  summary: z.string().trim().min(1).max(500),
  comments: z.string().max(8000).default(""),
});
export type ReviewVerdict = z.infer<typeof ReviewVerdict>;

export type ReviewInput = ReviewPromptInput;

export interface Reviewer {
  review(input: ReviewInput): Promise<ReviewVerdict>;
}

const TOOL = {
  name: "review_verdict",
  description: "Your decision on this merge: approve it, or send it back with what to change.",
  inputSchema: z.toJSONSchema(ReviewVerdict, { io: "input" }) as Record<string, unknown>,
};

/** A review that takes longer is abandoned (the refinery pass, and the alarm behind it, must go on). */
export const REVIEW_TIMEOUT_MS = 120_000;

/** A reviewer on the town's model; throws (the refinery then asks a person) when no usable verdict comes back in time. */
export function modelReviewer(model: ModelClient, opts: { maxTokens?: number; timeoutMs?: number } = {}): Reviewer {
  return {
    async review(input) {
      const request = { system: buildReviewPrompt(input), items: [{ role: "user" as const, text: "Review this merge now." }], tools: [TOOL], maxTokens: opts.maxTokens ?? 2048 };
      let problem = "the model answered without calling review_verdict";
      for await (const ev of model.stream(request, AbortSignal.timeout(opts.timeoutMs ?? REVIEW_TIMEOUT_MS))) {
        if (ev.type !== "tool_call" || ev.call.name !== TOOL.name) continue;
        const verdict = ReviewVerdict.safeParse(ev.call.input);
        if (verdict.success) return verdict.data;
        problem = `review_verdict arguments were invalid: ${errorMessage(verdict.error)}`.slice(0, 500);
      }
      throw new Error(problem);
    },
  };
}
