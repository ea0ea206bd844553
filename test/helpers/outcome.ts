import { SlotbootError } from "../../bindings/errors.js";

/** "ok", or the stable code of the SlotbootError the promise rejected with (anything else rethrows). */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (e instanceof SlotbootError) return e.code;
    throw e;
  }
}
