// The decryption primitives of an encrypted update: X25519 (one per update),
// HKDF-SHA256 and HMAC-SHA256 (the key unwrap) and AES-CTR (every body or
// payload byte), in the core's WASM and JS builds beside @noble and
// node:crypto, all measured in this run. Ratios are core / peer (lower is faster).
import { createCipheriv, createHmac, diffieHellman, createPrivateKey, createPublicKey, hkdfSync, randomBytes } from "node:crypto";
import { x25519 } from "@noble/curves/ed25519.js";
import { hmac } from "@noble/hashes/hmac.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ctr } from "@noble/ciphers/aes.js";
import { CORE_KINDS, loadCore } from "../bindings/core.js";
import { x25519With, hmacSha256With, hkdfSha256With, aesCtrWith } from "../bindings/crypt.js";
import { timePerCall } from "./time-per-call.js";

/** This bench's timing: warmUp: 5, batch: 1. */
const timed = (rounds: number, minMs: number, fn: (i: number) => void): number => timePerCall(rounds, minMs, fn, { warmUp: 5, batch: 1 });

const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us.toFixed(1));
const pkcs8X25519 = (raw: Uint8Array) => Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), raw]);
const spkiX25519 = (raw: Uint8Array) => Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), raw]);

export async function run(): Promise<string> {
  const cores = await Promise.all(CORE_KINDS.map((k) => loadCore(k)));
  const wasm = cores.find((c) => c.kind === "wasm")!;
  const js = cores.find((c) => c.kind === "js")!;
  const scalar = new Uint8Array(randomBytes(32));
  const peer = x25519.getPublicKey(new Uint8Array(randomBytes(32)));
  const nodePriv = createPrivateKey({ key: pkcs8X25519(scalar), format: "der", type: "pkcs8" });
  const nodePub = createPublicKey({ key: spkiX25519(peer), format: "der", type: "spki" });
  const key = new Uint8Array(randomBytes(32));
  const ikm = new Uint8Array(randomBytes(32));
  const info = new TextEncoder().encode("MCUBoot_ECIES_v1");
  const wrapped = new Uint8Array(randomBytes(16));
  const iv = new Uint8Array(16);
  const data = new Uint8Array(randomBytes(1 << 20));

  const rows: { what: string; unit: string; wasm: number; js: number; noble: number; node: number; per?: number }[] = [];
  const us = (fn: () => void) => timed(3, 200, fn);
  rows.push({
    what: "X25519 shared secret", unit: "µs",
    wasm: us(() => x25519With(wasm, scalar, peer)), js: us(() => x25519With(js, scalar, peer)),
    noble: us(() => x25519.getSharedSecret(scalar, peer)), node: us(() => diffieHellman({ privateKey: nodePriv, publicKey: nodePub })),
  });
  rows.push({
    what: "HKDF-SHA256, 48 bytes (the unwrap's)", unit: "µs",
    wasm: us(() => hkdfSha256With(wasm, ikm, new Uint8Array(0), info, 48)), js: us(() => hkdfSha256With(js, ikm, new Uint8Array(0), info, 48)),
    noble: us(() => hkdf(sha256, ikm, undefined, info, 48)), node: us(() => hkdfSync("sha256", ikm, new Uint8Array(0), info, 48)),
  });
  rows.push({
    what: "HMAC-SHA256 of a 16-byte wrapped key", unit: "µs",
    wasm: us(() => hmacSha256With(wasm, key, wrapped)), js: us(() => hmacSha256With(js, key, wrapped)),
    noble: us(() => hmac(sha256, key, wrapped)), node: us(() => createHmac("sha256", key).update(wrapped).digest()),
  });
  for (const bits of [128, 256]) {
    const k = key.subarray(0, bits / 8);
    rows.push({
      what: `AES-${bits}-CTR, 1 MiB`, unit: "MB/s", per: data.length,
      wasm: us(() => aesCtrWith(wasm, k, iv, data)), js: us(() => aesCtrWith(js, k, iv, data)),
      noble: us(() => ctr(k, iv).encrypt(data)), node: us(() => createCipheriv(`aes-${bits}-ctr`, k, iv).update(data)),
    });
  }
  const show = (r: (typeof rows)[number], t: number) => (r.per ? (r.per / t).toFixed(1) : fmt(t));
  const lines = [
    "## Decryption primitives (encrypted images and packages)",
    "",
    "Best of 3 rounds of at least 200 ms. Core builds go through bindings/crypt.ts and the 1 KiB exchange buffer. " +
      "Ratios are core time / peer time (below 1: the core is faster).",
    "",
    "| primitive | unit | core WASM | core JS | @noble | node:crypto | WASM / noble | JS / noble | WASM / node |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    lines.push(`| ${r.what} | ${r.unit} | ${show(r, r.wasm)} | ${show(r, r.js)} | ${show(r, r.noble)} | ${show(r, r.node)} | ` +
      `${(r.wasm / r.noble).toFixed(2)} | ${(r.js / r.noble).toFixed(2)} | ${(r.wasm / r.node).toFixed(2)} |`);
  }
  lines.push("");
  return lines.join("\n");
}
