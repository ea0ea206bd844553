// Stands in for crypt/decryptor in the JS update module (build/update.js,
// build/es5/update.cjs), so that module carries no decryption code: an
// unencrypted update costs no RAM for it. The host plugs the crypt module in
// with useDecryption(loader): `loader` is called the first time an encrypted
// image or package needs it and returns that module's decryptor
// (createCrypt(host).cryptDecryptor()). The WASM build and build/core.js use
// the real decryptor.

let decryptLoader: any = null;
let attachedDecryptor: any = null;

export function useDecryption(loader: any): void {
  decryptLoader = loader;
  attachedDecryptor = null;
}

export function decryptAvailable(): bool {
  if (attachedDecryptor == null && decryptLoader != null) attachedDecryptor = decryptLoader();
  return attachedDecryptor != null;
}

export function decryptor(): any {
  return attachedDecryptor;
}
