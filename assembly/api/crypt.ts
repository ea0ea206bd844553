// The decryption primitives over the exchange buffer, so hosts and tests can
// pin them with published vectors (test/crypt-*.test.ts) and benchmark them.
// Each keeps its own state, apart from the instances the update path uses.
//   x25519Scalar()                       ioBuf[0..32) scalar, [32..64) u -> ioBuf[0..32); 0 or E_ENC_ZERO_SECRET
//   hmacSha256Begin(keyLen) / hmacSha256Update(len) / hmacSha256Final() (tag to ioBuf[0..32))
//   hkdfSha256Extract(saltLen, ikmLen)   ioBuf = salt ‖ ikm; the PRK stays in the core
//   hkdfSha256Expand(infoLen, okmLen, from, count)  ioBuf[0..infoLen) = info -> ioBuf[0..count) = okm[from..+count)
//   aesCtrBegin(keyLen)                  ioBuf[0..keyLen) key, ioBuf[32..48) initial counter block
//   aesCtrSeek(offset) / aesCtrXor(len)  XOR ioBuf[0..len) with the keystream, in place
//   aesEncryptBlock()                    ioBuf[0..16) = AES(key of aesCtrBegin, ioBuf[0..16))
import { IO_SIZE, ioBuf } from "../common/buffers";
import { OK, E_BAD_ARGUMENT } from "../common/status";
import { x25519 } from "../crypto/x25519";
import { HmacSha256 } from "../crypto/hmac-sha256";
import { hkdfExtract, hkdfExpand } from "../crypto/hkdf-sha256";
import { AesCtr } from "../crypto/aes-ctr";

const apiMac: HmacSha256 = new HmacSha256();
const apiCtr: AesCtr = new AesCtr();
const apiPrk: Uint8Array = new Uint8Array(32);
const apiScratch: Uint8Array = new Uint8Array(256);

export function x25519Scalar(): i32 {
  for (let i: i32 = 0; i < 64; i++) apiScratch[i] = ioBuf[i];
  return x25519(ioBuf, 0, apiScratch, 0, apiScratch, 32);
}

export function hmacSha256Begin(keyLen: i32): i32 {
  if (keyLen < 0 || keyLen > IO_SIZE) return E_BAD_ARGUMENT;
  apiMac.begin(ioBuf, 0, keyLen);
  return OK;
}

export function hmacSha256Update(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  apiMac.update(ioBuf, 0, len);
  return OK;
}

export function hmacSha256Final(): void {
  apiMac.finish(ioBuf, 0);
}

export function hkdfSha256Extract(saltLen: i32, ikmLen: i32): i32 {
  if (saltLen < 0 || ikmLen < 0 || saltLen + ikmLen > IO_SIZE) return E_BAD_ARGUMENT;
  hkdfExtract(ioBuf, 0, saltLen, ioBuf, saltLen, ikmLen, apiPrk, 0);
  return OK;
}

export function hkdfSha256Expand(infoLen: i32, okmLen: i32, from: i32, count: i32): i32 {
  if (infoLen < 0 || infoLen > apiScratch.length || count < 0 || count > IO_SIZE) return E_BAD_ARGUMENT;
  for (let i: i32 = 0; i < infoLen; i++) apiScratch[i] = ioBuf[i];
  return hkdfExpand(apiPrk, 0, 32, apiScratch, 0, infoLen, okmLen, from, ioBuf, 0, count);
}

export function aesCtrBegin(keyLen: i32): i32 {
  return apiCtr.begin(ioBuf, 0, keyLen, ioBuf, 32);
}

export function aesCtrSeek(offset: u32): void {
  apiCtr.seek(offset);
}

export function aesCtrXor(len: i32): i32 {
  if (len < 0 || len > IO_SIZE) return E_BAD_ARGUMENT;
  apiCtr.xor(ioBuf, 0, len);
  return OK;
}

export function aesEncryptBlock(): void {
  apiCtr.aes.encryptBlock(ioBuf, 0, ioBuf, 0);
}
