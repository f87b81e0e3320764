import { deflateSync } from "node:zlib";

/**
 * A minimal PNG encoder for opaque pictures. Skia's encoder (adaptive filters, zlib level 6)
 * took most of a terminal picture's render time. Terminal pictures are flat colour and
 * anti-aliased text: measured on a busy 120x40 screen, no filter + zlib level 3 encodes in
 * about a third of Skia's time and 15% smaller (row filters only add noise to glyph edges,
 * while deflate's matching already catches repeated background runs).
 */

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** CRC-32 (IEEE) lookup table; built once, never written afterwards. */
const CRC_TABLE: Readonly<Uint32Array> = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC over type+data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

export interface PngEncodeOptions {
  /** zlib level 0-9 (default 3: fast, and terminal pictures compress well anyway). */
  level?: number;
}

/** Encode RGBA pixels (alpha ignored: the picture must be opaque) as an 8-bit RGB PNG. */
export function encodeOpaquePng(rgba: Uint8Array, width: number, height: number, opts: PngEncodeOptions = {}): Uint8Array {
  if (rgba.length < width * height * 4) throw new RangeError("encodeOpaquePng: pixel buffer smaller than width x height");
  const stride = width * 3 + 1;
  // Each row: filter type 0 (none), then the RGB bytes.
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0, s = y * width * 4, d = y * stride + 1; x < width; x++, s += 4, d += 3) {
      raw[d] = rgba[s]!;
      raw[d + 1] = rgba[s + 1]!;
      raw[d + 2] = rgba[s + 2]!;
    }
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const idat = deflateSync(raw, { level: opts.level ?? 3 });
  const parts = [PNG_SIGNATURE, chunk("IHDR", header), chunk("IDAT", new Uint8Array(idat.buffer, idat.byteOffset, idat.byteLength)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
