// The install-time case inside Espruino: a 200 KB signed package
// received in 1 KiB chunks by the example update task, with the core's
// SHA-256 or the engine's native one for image digests (host hashing). The
// package is larger than the engine's Storage holds raw, so it is stored as
// heatshrink-compressed pieces that the source decompresses one at a time;
// the source's own time (decompression, slicing) is measured in a separate
// pass and reported apart, as is the time spent inside the RAM flash driver
// (a board's flash driver is native; this one is interpreted JS).
import { createImage, parseVersion } from "../../tools/image.js";
import { packPackage } from "../../tools/package.js";
import { publicKeyOf } from "../../tools/keys.js";
import { runEspruino } from "./espruino.js";
import { KEY, LAYOUT, storyModules } from "./story.js";

const PIECE = 16 << 10;

export interface LargeInstall {
  bodyBytes: number;
  packageBytes: number;
  hostHashing: boolean;
  /** Whether the update task attached Espruino's native field arithmetic and CRC-32 (examples/espruino/native-arithmetic.js). */
  nativeArithmetic: boolean;
  /** Whether the device let the verified manifest vouch for the image (one signature check instead of two). */
  manifestVouchesForImage: boolean;
  status: number;
  /**
   * CPU seconds of receive(), first chunk to receiveComplete(), everything
   * included: the engine's own user + system time read from /proc/self/stat
   * just before and just after the call (10 ms ticks), or where the engine
   * cannot read it, cpuSecondsByDifference.
   */
  cpuSeconds: number;
  /**
   * The same from outside: the engine's CPU time with the install less a run
   * without it. Two processes' CPU times, each seconds long, so on a shared
   * machine it varies by tenths of a second more than cpuSeconds.
   */
  cpuSecondsByDifference: number;
  /** Of receive()'s wall time: the share spent in the source (decompressing and slicing the stored package). */
  sourceShare: number;
  /** Of receive()'s wall time: the share spent inside the RAM flash driver (interpreted JS here, native on a board). */
  driverShare: number;
}

/** A firmware-like body: JS text with repeats, so the stored pieces compress. */
function body(size: number): Uint8Array {
  const line = (i: number) => `function handler${i}(event) { return state.apply(event, ${(i * 7919) % 10007}); }\n`;
  let text = `({ version: "2.0.0", healthy: true })\n`;
  for (let i = 0; text.length < size; i++) text += line(i);
  return new Uint8Array(Buffer.from(text.slice(0, size), "latin1"));
}

const MAIN = `
var S = require("Storage");
var input = JSON.parse(S.read("large-input"));
function bytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
var layout = input.layout;
var flash = require("slotboot-ram-flash").create(layout, function (b) { return require("crypto").SHA256(b); });
flash.load(layout.slotA, S.read("image-v1"));
var driver = 0;
["read", "program", "erase", "sha256"].forEach(function (name) {
  var call = flash[name];
  flash[name] = function (a, b, c, d) { var t = getTime(); var r = call(a, b, c, d); driver += getTime() - t; return r; };
});
// The engine's CPU seconds so far (user + system, Linux clock ticks of 1/100 s), or -1.
function cpuNow() {
  try {
    var fields = String(require("fs").readFileSync("/proc/self/stat")).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch (e) { return -1; }
}
var task = require("slotboot-update-task");
var options = { publicKey: bytes(input.publicKey), nativeArithmetic: input.nativeArithmetic, manifestVouchesForImage: input.manifestVouchesForImage };
var cached = -1, piece = null;
function source(offset, max) {
  var k = Math.floor(offset / input.pieceSize);
  if (k !== cached) {
    var stored = S.read("package#" + k);
    if (!stored) return "";
    piece = E.toUint8Array(require("heatshrink").decompress(stored));
    cached = k;
  }
  var from = offset - k * input.pieceSize;
  return new Uint8Array(piece.buffer, from, Math.min(max, piece.length - from));
}
print("@@" + JSON.stringify({ provision: task.provision(flash, layout, options) }));
var t0 = getTime();
for (var at = 0; ; ) { var c = source(at, 1024); if (!c.length) break; at += c.length; }
var sourceSeconds = getTime() - t0;
cached = -1; driver = 0;
if (input.receive) {
  var cpu0 = cpuNow();
  t0 = getTime();
  var result = task.receive(flash, layout, options, source);
  var seconds = getTime() - t0, cpu1 = cpuNow();
  print("@@" + JSON.stringify({ status: result.status, seconds: seconds, cpu: cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1, sourceSeconds: sourceSeconds, driverSeconds: driver }));
}
`;

/**
 * The large install's device and package (here and in the XS timing test):
 * a 4 KB factory image, a signed package of a `bodyBytes` application in
 * 4 KiB chain blocks, and a layout with 256 KiB slots.
 */
export function largeInstallFiles(bodyBytes: number, hostHashing: boolean) {
  const image = (v: string, size: number) => createImage(body(size), {
    version: parseVersion(v), headerSize: 64, securityCounter: 1, key: { secretKey: KEY },
  });
  const v1 = image("1.0.0", 4000);
  const pkg = packPackage({ image: image("2.0.0", bodyBytes), secretKey: KEY, blockSize: 4096 }).bytes;
  const slotSize = 256 << 10;
  const layout = { ...LAYOUT, slotA: 16384, slotB: 16384 + slotSize, slotSize, hostHashing };
  return { v1, pkg, layout, publicKey: Buffer.from(publicKeyOf(KEY)).toString("hex") };
}

/**
 * Install a signed package of a `bodyBytes` application inside Espruino,
 * with the engine's native SHA-256 (`hostHashing`) and native arithmetic or
 * in JS alone; `manifestVouchesForImage`: one signature check per package.
 */
export function runLargeInstallInEspruino(bodyBytes = 200_000, hostHashing = true, nativeArithmetic = hostHashing, manifestVouchesForImage = false): LargeInstall {
  const { v1, pkg, layout, publicKey } = largeInstallFiles(bodyBytes, hostHashing);
  const modules = storyModules();
  delete (modules as Record<string, string>)["slotboot-codecs"];
  delete (modules as Record<string, string>)["slotboot-story"];
  const files = {
    ...modules, "image-v1": v1, "package": { pieces: pkg, pieceSize: PIECE },
    "large-input": "",
  };
  const input = { layout, pieceSize: PIECE, publicKey, nativeArithmetic, manifestVouchesForImage, receive: false };
  const without = runEspruino({ ...files, "large-input": JSON.stringify(input) }, MAIN, 600_000);
  const run = runEspruino({ ...files, "large-input": JSON.stringify({ ...input, receive: true }) }, MAIN, 600_000);
  const provisioned = run.results.find((r) => "provision" in r);
  if (!provisioned || provisioned.provision !== 0) throw new Error(`large install: provisioning failed: ${JSON.stringify(provisioned)}`);
  const r = run.results.find((x) => "seconds" in x) as Record<string, number> | undefined;
  if (!r) throw new Error(`large install: no result\n${run.output.slice(-2000)}`);
  // The source pass before receive() is in both runs; receive() asks the source again.
  const sourceInReceive = Math.min(r.sourceSeconds, r.seconds);
  const byDifference = Math.max(0, run.cpuSeconds - without.cpuSeconds);
  return {
    bodyBytes, packageBytes: pkg.length, hostHashing, nativeArithmetic, manifestVouchesForImage, status: r.status,
    cpuSeconds: r.cpu >= 0 ? r.cpu : byDifference,
    cpuSecondsByDifference: byDifference,
    sourceShare: sourceInReceive / r.seconds, driverShare: r.driverSeconds / r.seconds,
  };
}
