// A RAM-backed NOR flash for the engine tests, with the host calls of
// examples/espruino/board-flash.js: program clears bits, erase sets a sector
// to 0xFF. The flash is held in pieces of at most 64 KiB because Espruino's
// typed-array views cannot start more than 65535 bytes into a buffer; an
// operation may span pieces. `regions` are the control area and the two
// slots (each a list of pieces), for the story's flash digests. `sha256`
// hashes with the engine's native SHA-256 where it has one (Espruino's crypto).
function create(layout, nativeSha256) {
  var PIECE = 65536;
  var pieces = [];
  function region(at, size) {
    var list = [];
    for (var off = 0; off < size; off += PIECE) {
      var piece = { at: at + off, bytes: new Uint8Array(Math.min(PIECE, size - off)) };
      piece.bytes.fill(255);
      pieces.push(piece);
      list.push(piece);
    }
    return { at: at, size: size, pieces: list };
  }
  var regions = [region(0, layout.slotA), region(layout.slotA, layout.slotSize), region(layout.slotB, layout.slotSize)];
  var counts = { reads: 0, programs: 0, erases: 0, hashes: 0 };
  var stream = nativeSha256 ? require("slotboot-gathering-sha256").create(nativeSha256, 4096 + 32) : null;
  var lastPiece = null;
  // Espruino reads a function's whole text again at every call (a skipped
  // loop or a path after a return included), so the per-call functions are
  // short and the rare paths (a range across pieces, a search) are apart:
  // the timings include this driver, as a board's include its own.
  /** The piece holding addr, or null (calls mostly follow on from the previous one: checked first). */
  function pieceAt(addr) {
    var g = lastPiece;
    return g && addr >= g.at && addr < g.at + g.bytes.length ? g : findPiece(addr);
  }
  function findPiece(addr) {
    for (var r = 0; r < regions.length; r++) {
      var region = regions[r];
      if (addr >= region.at && addr < region.at + region.size) return (lastPiece = region.pieces[Math.floor((addr - region.at) / PIECE)]);
    }
    return null;
  }
  /** Calls visit(piece, offsetInPiece, offsetInRange, length) over [addr, addr+len); false if any byte is outside the flash. */
  function span(addr, len, visit) {
    var done = 0;
    while (done < len) {
      var g = pieceAt(addr + done);
      if (!g) return false;
      var from = addr + done - g.at;
      var n = Math.min(len - done, g.bytes.length - from);
      visit(g, from, done, n);
      done += n;
    }
    return true;
  }
  /** A read, program or erase whose range is not within one piece: -1 if any of it is outside the flash. */
  function across(kind, addr, buf, off, len) {
    if (!span(addr, len, function () {})) return -1;
    span(addr, len, function (g, from, at, n) {
      if (kind === "read") buf.set(new Uint8Array(g.bytes.buffer, from, n), off + at);
      else if (kind === "program") programPiece(g, from, buf, off + at, n);
      else new Uint8Array(g.bytes.buffer, from, n).fill(255);
    });
    counts[kind === "erase" ? "erases" : kind + "s"]++;
    return 0;
  }
  // NOR program of buf[off, off + n) into piece g at from: bits only go
  // 1 -> 0. Onto erased bytes a program is a copy: Espruino checks that
  // natively (E.sum), as a board's Flash.write is native; elsewhere, bit by
  // bit (programBits).
  function programPiece(g, from, buf, off, n) {
    var target = new Uint8Array(g.bytes.buffer, from, n);
    if (typeof E !== "undefined" && E.sum(target) === 255 * n) return target.set(new Uint8Array(buf.buffer, buf.byteOffset + off, n));
    programBits(g, from, buf, off, n);
  }
  function programBits(g, from, buf, off, n) {
    for (var i = 0; i < n; i++) g.bytes[from + i] &= buf[off + i];
  }
  var flash = {
    counts: counts,
    regions: regions,
    sample: null,
    // Most reads, programs and erases lie within one piece: one lookup, no
    // closures. (Espruino's fill(v, start, end) walks the whole array: 3 ms
    // for a sector of a 64 KiB piece, against 0.2 ms to fill a view of it.)
    read: function (addr, buf, off, len) {
      if (flash.sample) flash.sample();
      var g = pieceAt(addr);
      if (!g || addr + len > g.at + g.bytes.length) return across("read", addr, buf, off, len);
      counts.reads++;
      buf.set(new Uint8Array(g.bytes.buffer, addr - g.at, len), off);
      return 0;
    },
    program: function (addr, buf, off, len) {
      if (flash.sample) flash.sample();
      var g = pieceAt(addr);
      if (!g || addr + len > g.at + g.bytes.length) return across("program", addr, buf, off, len);
      counts.programs++;
      programPiece(g, addr - g.at, buf, off, len);
      return 0;
    },
    erase: function (addr) {
      if (flash.sample) flash.sample();
      if (addr % layout.sectorSize !== 0) return -1;
      var g = pieceAt(addr);
      if (!g || addr + layout.sectorSize > g.at + g.bytes.length) return across("erase", addr, null, 0, layout.sectorSize);
      counts.erases++;
      new Uint8Array(g.bytes.buffer, addr - g.at, layout.sectorSize).fill(255);
      return 0;
    },
    sha256: function (addr, len, out, off) {
      var parts = [];
      if (!nativeSha256 || !span(addr, len, function (g, from, at, n) { parts.push(new Uint8Array(g.bytes.buffer, from, n)); })) return -1;
      counts.hashes++;
      var data = parts[0];
      // A range across pieces is joined first (a board's flash is one memory-mapped area).
      if (parts.length > 1) {
        data = new Uint8Array(len);
        for (var p = 0, at = 0; p < parts.length; at += parts[p].length, p++) data.set(parts[p], at);
      }
      out.set(new Uint8Array(nativeSha256(data)), off);
      return 0;
    },
    // Package chain blocks, gathered and hashed natively (the board driver's way).
    sha256Begin: function (len) { return stream ? stream.begin(len) : -1; },
    sha256Update: function (buf, off, len) { return stream ? stream.update(buf, off, len) : -1; },
    sha256Finish: function (out, off) { return stream ? stream.finish(out, off) : -1; },
    text: function (addr, len) {
      var s = "";
      span(addr, len, function (g, from, at, n) { for (var i = 0; i < n; i++) s += String.fromCharCode(g.bytes[from + i]); });
      return s;
    },
    /** Raw bytes written into flash (factory programming). */
    load: function (addr, bytes) {
      span(addr, bytes.length, function (g, from, at, n) {
        for (var i = 0; i < n; i++) g.bytes[from + i] = bytes.charCodeAt ? bytes.charCodeAt(at + i) : bytes[at + i];
      });
    },
  };
  return flash;
}
exports.create = create;
