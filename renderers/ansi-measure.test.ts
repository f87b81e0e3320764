import { describe, expect, it } from "vitest";
import { measureAnsi, measureText } from "./ansi-measure";

describe("measuring screens that come without a size", () => {
  it("counts visible cells of ANSI: escapes take none, cursor-forward gaps and wide characters do", () => {
    expect(measureAnsi("\x1b[31mred\x1b[0m\x1b[5Cx\x1b]0;a long window title\x07\r\n日本")).toEqual({ cols: 9, rows: 2 });
  });

  it("measures plain text by its widest line", () => {
    expect(measureText("ab\n日本語\n")).toEqual({ cols: 6, rows: 3 });
  });
});
