// Stands in for codecs/delta_applier in the JS update module
// (build/update.js, build/es5/update.cjs), so that module carries no codec
// code. The host plugs the codecs module in with useCodecs(loader): `loader`
// is called the first time a compressed or delta package needs it and returns
// that module's applier (createCodecs(host).codecsApplier()). A raw package
// never loads it. The WASM build and build/core.js use the real applier.

let codecLoader: any = null;
let attachedApplier: any = null;

export function useCodecs(loader: any): void {
  codecLoader = loader;
  attachedApplier = null;
}

export function deltaAvailable(): bool {
  if (attachedApplier == null && codecLoader != null) attachedApplier = codecLoader();
  return attachedApplier != null;
}

export function deltaApplier(): any {
  return attachedApplier;
}
