import { describe, expect, it } from "vitest";
import { markdownToSlack } from "./markdown-slack";

describe("markdownToSlack", () => {
  it("converts emphasis to Slack's markers", () => {
    expect(markdownToSlack("**bold**, *it*, _it2_ and ~~gone~~")).toBe("*bold*, _it_, _it2_ and ~gone~");
  });

  it("writes links as <url|label> and bare URLs as <url>, escaping & in the URL", () => {
    expect(markdownToSlack("[the PR](https://git.example/pr?a=1&b=2) or https://x.example")).toBe(
      "<https://git.example/pr?a=1&amp;b=2|the PR> or <https://x.example>",
    );
  });

  it("escapes &, < and > so text cannot become Slack markup (no mention injection)", () => {
    expect(markdownToSlack("a < b & c > d <!channel> <@U123>")).toBe("a &lt; b &amp; c &gt; d &lt;!channel&gt; &lt;@U123&gt;");
    expect(markdownToSlack("&amp; stays one ampersand")).toBe("&amp; stays one ampersand");
  });

  it("keeps code: spans and fences (without language), escaped, fence-safe", () => {
    expect(markdownToSlack("run `a<b`")).toBe("run `a&lt;b`");
    expect(markdownToSlack("```ts\nif (a && b) {}\n```")).toBe("```\nif (a &amp;&amp; b) {}\n```");
    const fenced = markdownToSlack("````\ninner ``` fence\n````");
    expect(fenced.slice(4, -4)).not.toContain("```");
  });

  it("turns headings into bold lines and lists into bullets", () => {
    expect(markdownToSlack("## Plan **now**\n\n- one\n- two\n  - nested\n\n3. three\n4. four")).toBe(
      "*Plan now*\n\n• one\n• two\n    ◦ nested\n\n3. three\n4. four",
    );
  });

  it("quotes every line of a blockquote and fences tables", () => {
    expect(markdownToSlack("> a\n> b")).toBe("> a\n> b");
    expect(markdownToSlack("| k | v |\n|---|---|\n| x | 1 |")).toBe("```\nk | v\n--+--\nx | 1\n```");
  });

  it("shows task list checkboxes", () => {
    expect(markdownToSlack("- [x] done\n- [ ] todo")).toBe("• ☑ done\n• ☐ todo");
  });
});
