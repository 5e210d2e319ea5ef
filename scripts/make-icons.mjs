// `node scripts/make-icons.mjs`: draws the app icons (a chat bubble on an indigo
// rounded square) into public/icons/*.png with Node built-ins only — a tiny PNG
// encoder (CRC32 + IHDR/IDAT/IEND, 8-bit RGBA) and 4×4 supersampled shapes.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const INDIGO = [0x4f, 0x46, 0xe5];
const WHITE = [0xff, 0xff, 0xff];

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes width×height RGBA pixels (row-major) as a PNG file. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // compression, filter, interlace: 0
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 4)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(
      raw,
      y * (1 + width * 4) + 1,
    );
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// Shapes in unit coordinates (0..1 across the icon).
const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const triangle =
  ([ax, ay], [bx, by], [cx, cy]) =>
  (x, y) => {
    const s = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy);
    const d1 = s(ax, ay, bx, by),
      d2 = s(bx, by, cx, cy),
      d3 = s(cx, cy, ax, ay);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
const union =
  (...fs) =>
  (x, y) =>
    fs.some((f) => f(x, y));

/** The mark: a speech bubble with three dots, scaled by `k` around the centre. */
function layers(maskable) {
  const k = maskable ? 0.78 : 1; // maskable: keep the mark inside the 80 % safe circle
  const t = (v) => 0.5 + (v - 0.5) * k;
  const bubble = union(
    roundedRect(t(0.2), t(0.25), t(0.8), t(0.67), 0.13 * k),
    triangle([t(0.3), t(0.6)], [t(0.47), t(0.6)], [t(0.25), t(0.8)]),
  );
  const dots = union(...[0.36, 0.5, 0.64].map((cx) => circle(t(cx), t(0.46), 0.045 * k)));
  const plate = maskable ? () => true : roundedRect(0, 0, 1, 1, 0.22);
  return [
    { color: INDIGO, inside: plate },
    { color: WHITE, inside: bubble },
    { color: INDIGO, inside: dots },
  ];
}

function draw(size, maskable) {
  const rgba = new Uint8Array(size * size * 4);
  const stack = layers(maskable);
  const N = 4; // 4×4 samples per pixel
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const x = (px + (sx + 0.5) / N) / size;
          const y = (py + (sy + 0.5) / N) / size;
          let hit = null;
          for (const l of stack) if (l.inside(x, y)) hit = l.color;
          if (hit) {
            r += hit[0];
            g += hit[1];
            b += hit[2];
            a += 1;
          }
        }
      }
      const i = (py * size + px) * 4;
      // Colour is the average of the covered samples; alpha is the coverage.
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((a / (N * N)) * 255);
    }
  }
  return encodePng(size, size, rgba);
}

/** A .ico holding PNG images (every browser since 2007 reads PNG-in-ICO). */
function encodeIco(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.png)]);
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "icons");
mkdirSync(outDir, { recursive: true });
const icons = [
  ["icon-192.png", 192, false],
  ["icon-512.png", 512, false],
  ["icon-maskable-512.png", 512, true],
  ["apple-touch-icon.png", 180, true],
];
for (const [name, size, maskable] of icons) {
  writeFileSync(join(outDir, name), draw(size, maskable));
  console.log(`wrote public/icons/${name} (${size}×${size}${maskable ? ", maskable" : ""})`);
}
writeFileSync(
  join(outDir, "..", "favicon.ico"),
  encodeIco([16, 32, 48].map((size) => ({ size, png: draw(size, false) }))),
);
console.log("wrote public/favicon.ico (16, 32, 48)");
