import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { encodeOpaquePng } from "./png-encode";

describe("encodeOpaquePng", () => {
  it("round-trips pixels through a real PNG decoder", async () => {
    const width = 37;
    const height = 23;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba[i * 4] = (i * 7) & 0xff;
      rgba[i * 4 + 1] = (i * 13) & 0xff;
      rgba[i * 4 + 2] = (i * 29) & 0xff;
      rgba[i * 4 + 3] = 255;
    }
    const png = encodeOpaquePng(rgba, width, height);
    const img = await loadImage(Buffer.from(png));
    expect([img.width, img.height]).toEqual([width, height]);
    const ctx = createCanvas(width, height).getContext("2d");
    ctx.drawImage(img, 0, 0);
    expect([...ctx.getImageData(0, 0, width, height).data]).toEqual([...rgba]);
  });

  it("refuses a pixel buffer smaller than the picture", () => {
    expect(() => encodeOpaquePng(new Uint8Array(10), 4, 4)).toThrow(RangeError);
  });
});
