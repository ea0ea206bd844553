// ECDSA P-256: verification time of the core (WASM and JS builds) against
// @noble/curves p256.verify with lowS: false (the same acceptance rule) and
// node:crypto (OpenSSL), all measured in this run, over a 32-byte hash (the
// image digest MCUboot's ECDSA_SIG signs) and a 4 KiB message.
import { createPublicKey, randomBytes, verify as nodeVerify, type KeyObject } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { CORE_KINDS, loadCore } from "../bindings/core.js";
import { ecdsaP256VerifyWith, p256Spki } from "../bindings/ecdsa-p256.js";
import { timePerCall } from "./time-per-call.js";

interface Case {
  pub: Uint8Array;
  nodeKey: KeyObject;
  msg: Uint8Array;
  der: Uint8Array;
}

function makeCases(n: number, msgLen: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const secret = p256.utils.randomSecretKey();
    const pub = p256.getPublicKey(secret, false);
    const msg = new Uint8Array(randomBytes(msgLen));
    const der = p256.Signature.fromBytes(p256.sign(msg, secret), "compact").toBytes("der");
    const nodeKey = createPublicKey({ key: Buffer.from(p256Spki(pub)), format: "der", type: "spki" });
    out.push({ pub, nodeKey, msg, der });
  }
  return out;
}

/** This bench's timing: warmUp: 10, batch: 4. */
const timed = (rounds: number, minMs: number, fn: (i: number) => void): number => timePerCall(rounds, minMs, fn, { warmUp: 10, batch: 4 });

const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us.toFixed(1));

export async function run(): Promise<string> {
  const cores = await Promise.all(CORE_KINDS.map((k) => loadCore(k)));
  const lines: string[] = ["## ECDSA P-256 verification", ""];
  lines.push(
    "Time per verification (best of 3 rounds of at least 300 ms, 16 distinct keys and signatures cycled), " +
      "SHA-256 of the message included, DER signatures, high S accepted everywhere " +
      "(`p256.verify(sig, msg, pub, { lowS: false, format: 'der' })` for noble; `crypto.verify('sha256', ...)` for node). " +
      "Core builds go through bindings/ecdsa-p256.ts and the 1 KiB exchange buffer.",
  );
  lines.push("");
  lines.push("| message | core WASM µs | core JS µs | @noble/curves µs | node:crypto µs | WASM / noble | JS / noble | WASM / node |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const msgLen of [32, 4096]) {
    const cases = makeCases(16, msgLen);
    const t: Record<string, number> = {};
    for (const core of cores) {
      t[core.kind] = timed(3, 300, (i) => {
        const c = cases[i & 15];
        if (!ecdsaP256VerifyWith(core, c.pub, c.msg, c.der)) throw new Error("bench: core rejected a valid signature");
      });
    }
    t.noble = timed(3, 300, (i) => {
      const c = cases[i & 15];
      if (!p256.verify(c.der, sha256(c.msg), c.pub, { lowS: false, prehash: false, format: "der" })) throw new Error("bench: noble rejected");
    });
    t.node = timed(3, 300, (i) => {
      const c = cases[i & 15];
      if (!nodeVerify("sha256", c.msg, c.nodeKey, c.der)) throw new Error("bench: node rejected");
    });
    lines.push(
      `| ${msgLen} B | ${fmt(t.wasm)} | ${fmt(t.js)} | ${fmt(t.noble)} | ${fmt(t.node)} | ` +
        `${(t.wasm / t.noble).toFixed(2)} | ${(t.js / t.noble).toFixed(2)} | ${(t.wasm / t.node).toFixed(2)} |`,
    );
  }
  lines.push("");
  return lines.join("\n");
}
