import { describe, expect, it } from "vitest";
import { markdownToDiscord } from "./markdown-discord";

describe("markdownToDiscord", () => {
  it("passes Discord's own markdown through", () => {
    const md = "# Title\n\n**bold** *it* ~~del~~ `code` [link](https://e.x)\n\n- a\n- b\n\n> q\n\n```ts\nconst a = 1;\n```";
    expect(markdownToDiscord(md)).toBe(md);
  });

  it("defuses @everyone, @here and raw mentions outside code, but leaves code alone", () => {
    const out = markdownToDiscord("hey @everyone and @here, <@123> <@&456> `@everyone`");
    expect(out).not.toMatch(/@everyone\b(?!`)/);
    expect(out).not.toContain("<@123>");
    expect(out).not.toContain("<@&456>");
    expect(out).toContain("`@everyone`");
  });

  it("fences tables and makes deep headings bold", () => {
    expect(markdownToDiscord("| k | v |\n|---|---|\n| x | 1 |")).toBe("```\nk | v\n--+--\nx | 1\n```");
    expect(markdownToDiscord("#### Deep\n---")).toBe("**Deep**\n\n---");
  });
});
