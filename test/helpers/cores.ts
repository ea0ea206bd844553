import { CORE_KINDS as BUILT_IN_KINDS, loadCore, type CoreKind } from "../../bindings/core.js";
export { loadCore };
export type { CoreKind };

/**
 * The cores every both-cores test runs: WASM and the whole JS core, or the
 * kinds named in SLOTBOOT_CORE_KINDS (for example `wasm,js,es5`: the ES5
 * build, as Espruino runs it, through the whole suite; a long run, not CI's).
 */
const named = (process.env.SLOTBOOT_CORE_KINDS ?? "").split(",").map((k) => k.trim()).filter(Boolean);
for (const kind of named) if (!["wasm", "js", "es5"].includes(kind)) throw new Error(`SLOTBOOT_CORE_KINDS: unknown core kind ${kind} (wasm, js or es5)`);
export const CORE_KINDS: readonly CoreKind[] = named.length ? (named as CoreKind[]) : BUILT_IN_KINDS;
