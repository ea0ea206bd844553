// A streaming SHA-256 for hosts whose native SHA-256 is one-shot (Espruino's
// require("crypto").SHA256): the core's sha256Begin/Update/Finish host calls
// over a buffer that gathers one package chain block. Save as the Storage
// module "slotboot-gathering-sha256" beside the flash driver.
//
// The buffer is made for each block, at most `limit` bytes, and let go of
// once the block is hashed: kept between blocks, a 4 KiB block's buffer (about
// 150 variables) would still be held while the image's signature is checked
// after the last block, the update's peak. A longer block is left to the core
// (begin returns -1), as is any misuse, and a buffer or digest that memory
// could not be found for.
function create(oneShotSha256, limit) {
  var gathered = null, used = 0, expected = -1;
  return {
    begin: function (len) {
      expected = -1;
      gathered = null;
      if (len > limit) return -1;
      // Espruino short of memory prints an error and gives no array: declined.
      gathered = new Uint8Array(len);
      if (!gathered || gathered.length !== len) { gathered = null; return -1; }
      used = 0;
      expected = len;
      return 0;
    },
    update: function (buf, off, len) {
      if (expected < 0 || used + len > expected) return -1;
      // (A view of length 0 is one to the end of the buffer on Espruino.)
      if (len > 0) gathered.set(new Uint8Array(buf.buffer, buf.byteOffset + off, len), used);
      used += len;
      return 0;
    },
    finish: function (out, off) {
      var complete = expected >= 0 && used === expected, digest;
      expected = -1;
      if (complete) digest = oneShotSha256(used > 0 ? gathered : new Uint8Array(0));
      gathered = null;
      // No 32-byte digest (Espruino short of memory returns none): declined, never "done".
      if (!complete || !digest || digest.byteLength !== 32) return -1;
      out.set(new Uint8Array(digest), off);
      return 0;
    },
  };
}
exports.create = create;
