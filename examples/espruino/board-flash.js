// A flash driver for Espruino boards: the core's host calls over the
// built-in Flash module, with absolute addresses (Espruino's Flash works on
// the chip's address map, so `base` is where slotboot's region starts).
// Every call returns 0 or -1: a driver that throws must never unwind the core.
// Programs may cross page boundaries; writes are padded to 4-byte words,
// which most Espruino boards need.
function create(base) {
  var Flash = require("Flash");
  var stream = require("slotboot-gathering-sha256").create(function (bytes) { return require("crypto").SHA256(bytes); }, 4096 + 32);
  return {
    read: function (addr, buf, off, len) {
      try { buf.set(Flash.read(len, base + addr), off); return 0; } catch (e) { return -1; }
    },
    // (Nothing to program for len 0: Espruino takes a view of length 0 as
    // one to the end of the buffer.)
    program: function (addr, buf, off, len) {
      if (len <= 0) return 0;
      try {
        var start = addr & ~3, end = (addr + len + 3) & ~3;
        var words = new Uint8Array(end - start);
        words.fill(255);
        words.set(new Uint8Array(buf.buffer, buf.byteOffset + off, len), addr - start);
        Flash.write(words, base + start);
        return 0;
      } catch (e) { return -1; }
    },
    erase: function (addr) {
      try { Flash.erasePage(base + addr); return 0; } catch (e) { return -1; }
    },
    // The chip's flash is memory-mapped: hash it in place with the native SHA-256.
    sha256: function (addr, len, out, off) {
      try { out.set(new Uint8Array(require("crypto").SHA256(E.memoryArea(base + addr, len))), off); return 0; } catch (e) { return -1; }
    },
    text: function (addr, len) { return E.memoryArea(base + addr, len); },
    // A package's chain blocks: Espruino's SHA-256 is one-shot, so a block is
    // gathered in RAM (made per block, let go of once hashed) and hashed at the end.
    sha256Begin: function (len) { return stream.begin(len); },
    sha256Update: function (buf, off, len) { return stream.update(buf, off, len); },
    sha256Finish: function (out, off) { return stream.finish(out, off); },
  };
}
exports.create = create;
