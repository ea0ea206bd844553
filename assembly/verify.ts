// The single gate every boot and every install goes through: is the image in
// this slot intact (and, once keys are provisioned, authentic and allowed)?
import { verifyImageDigest } from "./image";

export function checkSlotImage(slot: i32): i32 {
  return verifyImageDigest(slot);
}
