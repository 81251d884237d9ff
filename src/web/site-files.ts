/**
 * `/favicon.ico` and `/robots.txt`: what browsers and crawlers ask every site for. Both are made once at start.
 */

/** A 32×32 icon: a white shield on the brand red, as a 32-bit ICO (BMP inside, no compression). */
function favicon(): Uint8Array<ArrayBuffer> {
  const size = 32
  const pixels = size * size * 4
  const mask = size * 4 // 1 bit per pixel, rows padded to 4 bytes: all zero (opaque; alpha decides)
  const bmp = 40 + pixels + mask
  const out = new Uint8Array(6 + 16 + bmp)
  const v = new DataView(out.buffer)
  v.setUint16(2, 1, true) // type: icon
  v.setUint16(4, 1, true) // one image
  out[6] = size
  out[7] = size
  v.setUint16(10, 1, true) // colour planes
  v.setUint16(12, 32, true) // bits per pixel
  v.setUint32(14, bmp, true)
  v.setUint32(18, 22, true) // offset of the image
  const h = 22
  v.setUint32(h, 40, true)
  v.setInt32(h + 4, size, true)
  v.setInt32(h + 8, size * 2, true) // XOR and AND masks
  v.setUint16(h + 12, 1, true)
  v.setUint16(h + 14, 32, true)
  v.setUint32(h + 20, pixels + mask, true)
  for (let row = 0; row < size; row++) {
    const y = size - 1 - row // bottom-up
    for (let x = 0; x < size; x++) {
      const i = h + 40 + (row * size + x) * 4
      const corner = Math.min(x, size - 1 - x) + Math.min(y, size - 1 - y) < 4
      const dx = Math.abs(x - 15.5)
      // The shield: a band that narrows to a point below.
      const shield = y >= 6 && y <= 26 && dx <= (y < 18 ? 9 : 9 - (y - 18) * 1.1)
      const [r, g, b] = shield ? [255, 255, 255] : [0xb3, 0x26, 0x1e]
      out[i] = b
      out[i + 1] = g
      out[i + 2] = r
      out[i + 3] = corner ? 0 : 255
    }
  }
  return out
}

export const FAVICON = favicon()

/** Crawlers may read the public pages; the console, the API and the feeds' raw messages are not for them. */
export const ROBOTS_TXT = `User-agent: *
Allow: /
Disallow: /console
Disallow: /api/
Disallow: /cap/
Disallow: /search
`
