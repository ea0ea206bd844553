// `npm run bench`: every benchmark section, measured in one run on this
// machine, printed as Markdown. Peers are measured in the same run, so the
// ratios (not the absolute numbers) are what to compare across machines.
// `npm run bench -- hash ed25519` runs only the named sections.
import { run as hash } from "./hash.js";
import { run as ed25519 } from "./ed25519.js";
import { run as ecdsa } from "./ecdsa.js";
import { run as heatshrink } from "./heatshrink.js";
import { run as delta } from "./delta.js";
import { run as boot } from "./boot.js";
import { run as engines } from "./engines.js";
import { run as crypt } from "./crypt.js";
import { run as ota } from "./ota.js";
import { run as gateway } from "./gateway.js";

const SECTIONS: Record<string, () => Promise<string>> = { boot, hash, ed25519, ecdsa, crypt, heatshrink, delta, engines, ota, gateway };

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const names = wanted.length ? wanted : Object.keys(SECTIONS);
  console.log(`# slotboot benchmarks\n\nNode ${process.version}, ${new Date().toISOString()}\n`);
  for (const name of names) {
    const fn = SECTIONS[name];
    if (!fn) throw new Error(`unknown bench section ${name}; known: ${Object.keys(SECTIONS).join(", ")}`);
    const t0 = Date.now();
    console.log(await fn());
    console.log(`_(${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)_\n`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
