// examples/moddable/ inside this XS host, as a Moddable board runs it: the example modules
// (ES modules turned into the host's CommonJS by esmToCommonJs), the role modules from the
// manifest's own paths, and stand-ins for Moddable's "flash" (Flash: read/write/erase/blockSize
// on one partition, NOR semantics: a write only clears bits) and "crypt" (Digest("SHA256"),
// native as on a board: the host's C SHA-256). Used by test/engines/xs-moddable.test.ts and
// the XS timing (tools/engines/xs-timing.ts).
import { xsCommonJs, xsRoleModule, esmToCommonJs } from "./xs.js";
export { MODULE_TABLE_REQUIRE_JS } from "./xs.js";
import { read } from "./story.js";


/** The manifest (examples/moddable/manifest.json). */
export function moddableManifest(): { modules: Record<string, string>; preload: string[] } {
  return JSON.parse(read("examples/moddable/manifest.json"));
}

const FACTORIES: Record<string, string> = { "slotboot/boot": "createBootCore", "slotboot/update": "createUpdateCore", "slotboot/codecs": "createCodecs", "slotboot/p256": "createP256", "slotboot/crypt": "createCrypt", "slotboot/unwrap": "createUnwrap" };

/** The module table `__modules`: the manifest's role modules and the example's own modules. */
export function moddableModules(): string {
  const roles = Object.entries(moddableManifest().modules).filter(([name]) => name.startsWith("slotboot/"));
  return [
    "var __modules = {};\n",
    // The manifest's own paths: ../../build/boot and so on, from examples/moddable/.
    ...roles.map(([name, path]) => xsRoleModule("__modules", name, read(`examples/moddable/${path}.js`), FACTORIES[name])),
    ...["main", "loader", "flash-host"].map((name) => xsCommonJs("__modules", name, esmToCommonJs(read(`examples/moddable/${name}.js`)))),
  ].join("");
}

export function moddableStandIns(partitionBytes: number): string {
  return String.raw`
var __partition = new Uint8Array(${partitionBytes});
__partition.fill(0xff);
var __flashCalls = { read: 0, write: 0, erase: 0, digests: 0 };
__modules["flash"] = function (exports) {
  function Flash(name) {
    if (name !== "xs") throw new Error("no flash partition " + name);
    this.blockSize = 4096;
    this.byteLength = __partition.length;
  }
  function check(offset, length) {
    if (!(offset >= 0 && length >= 0 && offset + length <= __partition.length)) throw new RangeError("flash: out of range");
  }
  Flash.prototype.read = function (offset, length) {
    check(offset, length);
    __flashCalls.read++;
    return __partition.slice(offset, offset + length).buffer;
  };
  Flash.prototype.write = function (offset, length, buffer) {
    check(offset, length);
    var bytes = new Uint8Array(buffer);
    if (bytes.length < length) throw new RangeError("flash: buffer shorter than length");
    __flashCalls.write++;
    for (var i = 0; i < length; i++) __partition[offset + i] &= bytes[i];
  };
  Flash.prototype.erase = function (sector) {
    check(sector * 4096, 4096);
    __flashCalls.erase++;
    __partition.fill(0xff, sector * 4096, (sector + 1) * 4096);
  };
  exports.default = Flash;
};
__modules["crypt"] = function (exports) {
  // Crypt.Digest is native on a board: here the host's C SHA-256 (nativeSha256*).
  function Digest(algorithm) {
    if (algorithm !== "SHA256") throw new Error("no digest " + algorithm);
    __flashCalls.digests++;
    this.state = nativeSha256Begin();
  }
  Digest.prototype.write = function (buffer) { nativeSha256Write(this.state, buffer); };
  Digest.prototype.close = function () { return nativeSha256Close(this.state); };
  exports.Digest = Digest;
};
function __hexBytes(hex) { return new Uint8Array(nativeHexBytes(hex)); }
var trace = function (text) { print("trace " + text.replace(/\n$/, "")); };
`;
}
