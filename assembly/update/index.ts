// The update role: loaded only while an update runs. It receives signed
// packages (raw here; compressed and delta through the codecs module the host
// plugs in), installs raw images, provisions the factory image, and carries
// the boot role's calls too, so an update task needs this module alone.
// Statistics and WASM-only calls stay in the whole core (assembly/index.ts).
export { ioBuffer, ioBufferSize } from "../api/io";
export {
  layoutConfigure, bootDecide, bootLastReason, appConfirm, appReject, factoryAdopt,
  stateLoad, stateSeq, statePrimary, stateCandidate, stateSlot, stateFails, statePowers, stateFloor,
  slotVerify, slotParse, slotHeader, imageMajor, imageMinor, imageRevision, imageBuild, imageTotalSize,
  bootCheckMode, bootKeyed, hashByHost,
} from "../api/boot";
export { installOpen, installWrite, installComplete, installCancel, installKeyEntry } from "../api/install";
export {
  trustConfigure, decryptionConfigure, receiveBegin, receiveWrite, receiveComplete, receiveCancel, receivePosition,
  receiveState, receiveSlot, receiveResumed, receiveImageBytes,
} from "../api/update";
