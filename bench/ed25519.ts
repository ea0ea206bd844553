// Ed25519: verification time of the core (WASM and JS builds) against
// @noble/curves ed25519.verify with zip215: false (the same acceptance rule),
// and SHA-512 throughput of the core against node:crypto and @noble/hashes,
// all measured in this run.
import { createHash, randomBytes } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 as nobleSha512 } from "@noble/hashes/sha2.js";
import { CORE_KINDS, loadCore, type Core } from "../bindings/core.js";
import { ed25519VerifyWith } from "../bindings/ed25519.js";
import { timePerCall } from "./time-per-call.js";

interface Case {
  pub: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

function makeCases(n: number, msgLen: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const sk = new Uint8Array(randomBytes(32));
    const msg = new Uint8Array(randomBytes(msgLen));
    out.push({ pub: ed25519.getPublicKey(sk), msg, sig: ed25519.sign(msg, sk) });
  }
  return out;
}

/** This bench's timing: warmUp: 20, batch: 10. */
const timed = (rounds: number, minMs: number, fn: (i: number) => void): number => timePerCall(rounds, minMs, fn, { warmUp: 20, batch: 10 });

function coreSha512(core: Core, data: Uint8Array): void {
  const e = core.exports;
  e.sha512Reset();
  const step = core.io().length;
  for (let off = 0; off < data.length; off += step) {
    const part = data.subarray(off, Math.min(data.length, off + step));
    core.io().set(part, 0);
    e.sha512Update(part.length);
  }
  e.sha512Final();
}

const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us.toFixed(1));

export async function run(): Promise<string> {
  const cores = await Promise.all(CORE_KINDS.map((k) => loadCore(k)));
  const lines: string[] = ["## Ed25519 verification", ""];
  lines.push(
    "Time per verification (best of 3 rounds of at least 300 ms, 16 distinct keys and signatures cycled), " +
      "same acceptance rule everywhere: strict RFC 8032 encodings, small-order keys refused, cofactored equation " +
      "(`ed25519.verify(sig, msg, pub, { zip215: false })` for noble). Core builds go through bindings/ed25519.ts, " +
      "copying key, signature and message through the 1 KiB exchange buffer.",
  );
  lines.push("");
  lines.push("| message | core WASM µs | core JS µs | @noble/curves µs | WASM / noble | JS / noble |");
  lines.push("|---|---:|---:|---:|---:|---:|");
  for (const msgLen of [32, 4096]) {
    const cases = makeCases(16, msgLen);
    const t: Record<string, number> = {};
    for (const core of cores) {
      t[core.kind] = timed(3, 300, (i) => {
        const c = cases[i & 15];
        if (!ed25519VerifyWith(core, c.pub, c.msg, c.sig)) throw new Error("bench: core rejected a valid signature");
      });
    }
    t.noble = timed(3, 300, (i) => {
      const c = cases[i & 15];
      if (!ed25519.verify(c.sig, c.msg, c.pub, { zip215: false })) throw new Error("bench: noble rejected");
    });
    lines.push(
      `| ${msgLen} B | ${fmt(t.wasm)} | ${fmt(t.js)} | ${fmt(t.noble)} | ` +
        `${(t.wasm / t.noble).toFixed(2)} | ${(t.js / t.noble).toFixed(2)} |`,
    );
  }
  lines.push("");

  const data = new Uint8Array(randomBytes(1 << 20));
  const mbps = (us: number) => (data.length / us).toFixed(1);
  const sha: Record<string, number> = {};
  for (const core of cores) sha[core.kind] = timed(3, 300, () => coreSha512(core, data));
  sha.node = timed(3, 300, () => createHash("sha512").update(data).digest());
  sha.noble = timed(3, 300, () => nobleSha512(data));
  lines.push("SHA-512 throughput on 1 MiB (MB/s, best of 3), the hash inside verification:");
  lines.push("");
  lines.push("| core WASM | core JS | @noble/hashes | node:crypto (OpenSSL) |");
  lines.push("|---:|---:|---:|---:|");
  lines.push(`| ${mbps(sha.wasm)} | ${mbps(sha.js)} | ${mbps(sha.noble)} | ${mbps(sha.node)} |`);
  lines.push("");
  return lines.join("\n");
}
