// The update role: loaded only while an update runs. It receives signed
// packages (full, compressed or delta), installs raw images, and carries the
// boot role's calls too, so an update task needs this module alone.
export * from "../api/io";
export * from "../api/boot";
export * from "../api/install";
export * from "../api/update";
