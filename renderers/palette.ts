/**
 * Terminal colours. A cell colour is one number: DEFAULT_COLOR, a palette index 0..255,
 * or TRUECOLOR | 0xRRGGBB. Numbers keep a 120x40 grid cheap to build and compare.
 */
export const DEFAULT_COLOR = -1;
export const TRUECOLOR = 0x1000000;

export type Rgb = readonly [number, number, number];

/** The xterm defaults for the 16 ANSI colours: the reference for "nearest basic colour". */
const XTERM_16: readonly Rgb[] = [
  [0, 0, 0],
  [205, 0, 0],
  [0, 205, 0],
  [205, 205, 0],
  [0, 0, 238],
  [205, 0, 205],
  [0, 205, 205],
  [229, 229, 229],
  [127, 127, 127],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [92, 92, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];

const CUBE_LEVELS = [0, 95, 135, 175, 215, 255] as const;

/** RGB of a colour, with `ansi16` supplying the first 16 (themes differ only there). */
export function colorRgb(color: number, ansi16: readonly Rgb[] = XTERM_16): Rgb | null {
  if (color === DEFAULT_COLOR) return null;
  if (color >= TRUECOLOR) return [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff];
  if (color < 16) return ansi16[color] ?? null;
  if (color < 232) {
    const i = color - 16;
    return [CUBE_LEVELS[Math.floor(i / 36)]!, CUBE_LEVELS[Math.floor(i / 6) % 6]!, CUBE_LEVELS[i % 6]!];
  }
  const g = 8 + 10 * (color - 232);
  return [g, g, g];
}

/** A truecolor value from components. */
export function rgbColor(r: number, g: number, b: number): number {
  return TRUECOLOR | ((r & 0xff) << 16) | ((g & 0xff) << 8) | (b & 0xff);
}

/**
 * The basic colour (0..7, as in SGR 30-37) nearest to any colour: what platforms with an
 * 8-colour palette (Discord's ansi blocks) can show. Bright colours fold onto their base.
 */
export function nearestBasic(color: number): number | null {
  if (color === DEFAULT_COLOR) return null;
  if (color >= 0 && color < 16) return color % 8;
  const rgb = colorRgb(color);
  if (rgb === null) return null;
  let best = 0;
  let bestDist = Number.POSITIVE_INFINITY;
  XTERM_16.forEach((c, i) => {
    // Weighted like perceived brightness so greys do not snap to blue or green.
    const d = 2 * (c[0] - rgb[0]) ** 2 + 4 * (c[1] - rgb[1]) ** 2 + 3 * (c[2] - rgb[2]) ** 2;
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  });
  return best % 8;
}

/** A dark theme for terminal pictures: our own colours, readable on a dark background. */
export const DARK_THEME = {
  background: [24, 26, 31] as Rgb,
  foreground: [212, 215, 222] as Rgb,
  cursor: [212, 215, 222] as Rgb,
  frame: [46, 49, 57] as Rgb,
  titleText: [170, 176, 188] as Rgb,
  ansi16: [
    [40, 44, 52],
    [232, 98, 104],
    [141, 196, 108],
    [226, 190, 112],
    [92, 163, 236],
    [196, 120, 221],
    [82, 182, 194],
    [200, 204, 212],
    [104, 110, 124],
    [255, 122, 128],
    [168, 222, 134],
    [240, 208, 138],
    [122, 186, 255],
    [216, 148, 240],
    [110, 206, 218],
    [240, 242, 246],
  ] as readonly Rgb[],
} as const;

/** CSS colour text for an RGB triple. */
export function cssRgb(rgb: Rgb): string {
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}
