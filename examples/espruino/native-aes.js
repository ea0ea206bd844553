// Espruino's native AES for the update core's optional aesCtr host call
// (docs/porting.md): an encrypted update's AES-CTR over
// require("crypto").AES, where the build has it. Save as the Storage module
// "slotboot-native-aes"; the update task attaches it to the flash driver for
// the updates of a device that holds a decryption key (a module of its own:
// every function a module holds is variables in the peak of each update that
// loads it, and a device without a key never loads this one).

/**
 * The aesCtr(key, keyLength, counter, skip, buf, off, len) host call: buf's
 * bytes XOR the AES-CTR keystream, by Espruino's native AES, about fifty
 * times faster than the core's interpreted AES. Espruino's own CTR mode
 * always starts its counter at 0 (it ignores `iv`), so the counter blocks
 * are written out here and encrypted in ECB mode: the keystream itself. The
 * first `skip` keystream bytes are already spent. -1 (the core decrypts
 * itself) on a build without AES, or if it gives too few bytes; buf is only
 * written once the whole keystream is there.
 */
function aesCtr(key, keyLength, counter, skip, buf, off, len) {
  var crypto, count = (skip + len + 15) >> 4, blocks, stream, i;
  // A build without the crypto module throws at require; one short of memory gives no array.
  try { crypto = require("crypto"); } catch (e) { return -1; }
  if (!crypto || !crypto.AES || len <= 0) return -1;
  blocks = new Uint8Array(count * 16);
  if (!blocks || blocks.length !== count * 16) return -1;
  var w0 = ((counter[0] << 24) | (counter[1] << 16) | (counter[2] << 8) | counter[3]) >>> 0;
  var w1 = ((counter[4] << 24) | (counter[5] << 16) | (counter[6] << 8) | counter[7]) >>> 0;
  var w2 = ((counter[8] << 24) | (counter[9] << 16) | (counter[10] << 8) | counter[11]) >>> 0;
  var w3 = ((counter[12] << 24) | (counter[13] << 16) | (counter[14] << 8) | counter[15]) >>> 0;
  for (var at = 0; at < blocks.length; at += 16) {
    blocks[at] = w0 >>> 24; blocks[at + 1] = w0 >>> 16; blocks[at + 2] = w0 >>> 8; blocks[at + 3] = w0;
    blocks[at + 4] = w1 >>> 24; blocks[at + 5] = w1 >>> 16; blocks[at + 6] = w1 >>> 8; blocks[at + 7] = w1;
    blocks[at + 8] = w2 >>> 24; blocks[at + 9] = w2 >>> 16; blocks[at + 10] = w2 >>> 8; blocks[at + 11] = w2;
    blocks[at + 12] = w3 >>> 24; blocks[at + 13] = w3 >>> 16; blocks[at + 14] = w3 >>> 8; blocks[at + 15] = w3;
    // The 128-bit big-endian increment, carried up through the words.
    w3 = (w3 + 1) >>> 0;
    if (w3 === 0) { w2 = (w2 + 1) >>> 0; if (w2 === 0) { w1 = (w1 + 1) >>> 0; if (w1 === 0) w0 = (w0 + 1) >>> 0; } }
  }
  try { stream = crypto.AES.encrypt(blocks, new Uint8Array(key.buffer, key.byteOffset, keyLength), { mode: "ECB" }); } catch (e) { return -1; }
  if (!stream || stream.byteLength < blocks.length) return -1;
  stream = new Uint8Array(stream, skip, len);
  for (i = 0; i < len; i++) buf[off + i] ^= stream[i];
  return 0;
}

exports.aesCtr = aesCtr;
