// The boot role: what runs at every power-up. It reads the boot-control log,
// chooses a slot and checks it, and lets the running application confirm or
// reject its trial. No signature, package or codec code is reachable from
// here, so a board pays only for this at boot (docs/porting.md). The list is
// what a loader needs; the state getters, statistics and inspection calls
// stay in the update role and the whole core, so that the boot module
// carries no code for them (on Espruino every function and export costs
// variables: the loaders print major.minor.revision, so no imageBuild).
export { ioBuffer } from "../api/io";
export {
  layoutConfigure, bootDecide, bootLastReason, appConfirm, appReject,
  slotParse, slotHeader, imageMajor, imageMinor, imageRevision,
  bootCheckMode, bootKeyed, hashByHost,
} from "../api/boot";
