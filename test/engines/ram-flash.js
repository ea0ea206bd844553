// A RAM-backed NOR flash for the engine tests, with the host calls of
// examples/espruino/board-flash.js: program clears bits, erase sets a sector
// to 0xFF. Regions are separate buffers because Espruino's typed-array views
// cannot start more than 65535 bytes into a buffer. `sha256` hashes in place
// with the engine's native SHA-256 where it has one (Espruino's crypto).
function create(layout, nativeSha256) {
  var regions = [
    { at: 0, bytes: new Uint8Array(layout.slotA) },
    { at: layout.slotA, bytes: new Uint8Array(layout.slotSize) },
    { at: layout.slotB, bytes: new Uint8Array(layout.slotSize) },
  ];
  for (var r = 0; r < regions.length; r++) regions[r].bytes.fill(255);
  var counts = { reads: 0, programs: 0, erases: 0, hashes: 0 };
  function region(addr, len) {
    for (var i = 0; i < regions.length; i++) {
      var g = regions[i];
      if (addr >= g.at && addr + len <= g.at + g.bytes.length) return g;
    }
    return null;
  }
  var flash = {
    counts: counts,
    regions: regions,
    sample: null,
    read: function (addr, buf, off, len) {
      if (flash.sample) flash.sample();
      var g = region(addr, len);
      if (!g) return -1;
      counts.reads++;
      buf.set(new Uint8Array(g.bytes.buffer, addr - g.at, len), off);
      return 0;
    },
    program: function (addr, buf, off, len) {
      if (flash.sample) flash.sample();
      var g = region(addr, len);
      if (!g) return -1;
      counts.programs++;
      var base = addr - g.at;
      for (var i = 0; i < len; i++) g.bytes[base + i] &= buf[off + i];
      return 0;
    },
    erase: function (addr) {
      if (flash.sample) flash.sample();
      var g = region(addr, layout.sectorSize);
      if (!g || (addr - g.at) % layout.sectorSize !== 0) return -1;
      counts.erases++;
      g.bytes.fill(255, addr - g.at, addr - g.at + layout.sectorSize);
      return 0;
    },
    sha256: function (addr, len, out, off) {
      if (!nativeSha256) return -1;
      var g = region(addr, len);
      if (!g) return -1;
      counts.hashes++;
      out.set(new Uint8Array(nativeSha256(new Uint8Array(g.bytes.buffer, addr - g.at, len))), off);
      return 0;
    },
    text: function (addr, len) {
      var g = region(addr, len);
      var s = "";
      for (var i = 0; i < len; i++) s += String.fromCharCode(g.bytes[addr - g.at + i]);
      return s;
    },
    /** Raw bytes written into flash (factory programming). */
    load: function (addr, bytes) {
      var g = region(addr, bytes.length);
      for (var i = 0; i < bytes.length; i++) g.bytes[addr - g.at + i] = bytes.charCodeAt ? bytes.charCodeAt(i) : bytes[i];
    },
  };
  return flash;
}
exports.create = create;
