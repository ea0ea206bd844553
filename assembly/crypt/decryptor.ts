// The decryption unit of the update path: opens an ECIES-X25519 key-wrap
// entry with the device's private key and then decrypts a stream with the
// unwrapped key in AES-CTR (counter block 0), from any offset. Both encrypted
// images (imgtool's ENC_X25519 entry; the body is the stream) and encrypted
// packages (the payload's data stream) go through it.
//
// In the JS update module a socket stands in for this file
// (update/decrypt-socket.portable.ts): the X25519, HKDF, HMAC and AES code
// then lives in the crypt module (build/crypt.js, es5/crypt.cjs), which a
// board loads only when an update is encrypted. The WASM build and
// build/core.js link it directly.
import { AesCtr } from "../crypto/aes-ctr";
import { eciesUnwrap } from "../crypto/ecies-x25519";
import { x25519PublicKey } from "../crypto/x25519";
import { Sha256 } from "../crypto/sha256";
import { OK, E_BAD_TLV } from "../common/status";

export class Decryptor {
  ctr: AesCtr;
  key: Uint8Array;
  zeroIv: Uint8Array;
  scratch: Uint8Array;
  hasher: Sha256;
  /** Stream offset of the next byte xor() takes: a seek there costs nothing. */
  position: u32;

  constructor() {
    this.position = 0;
    this.ctr = new AesCtr();
    this.key = new Uint8Array(32);
    this.zeroIv = new Uint8Array(16);
    this.scratch = new Uint8Array(32);
    this.hasher = new Sha256();
  }

  /** Open entry[off .. off+len) (80 bytes: AES-128, 96: AES-256); the stream is then at offset 0. */
  open(entry: Uint8Array, off: i32, len: i32, privateKey: Uint8Array, privOff: i32): i32 {
    if (len != 80 && len != 96) return E_BAD_TLV;
    const keyLen: i32 = len - 64;
    const us: i32 = eciesUnwrap(entry, off, keyLen, privateKey, privOff, this.key, 0);
    if (us != OK) return us;
    const cs: i32 = this.ctr.begin(this.key, 0, keyLen, this.zeroIv, 0);
    this.position = 0;
    for (let i: i32 = 0; i < 32; i++) this.key[i] = 0;
    return cs;
  }

  seek(offset: u32): void {
    if (offset == this.position) return;
    this.ctr.seek(offset);
    this.position = offset;
  }

  /** Decrypt buf[off .. off+len) in place: the next len bytes of the stream. */
  xor(buf: Uint8Array, off: i32, len: i32): void {
    this.ctr.xor(buf, off, len);
    if (len > 0) this.position = u32(this.position + u32(len));
  }

  /** out[outOff..+32) = SHA-256 of the X25519 public key of privateKey: a package's recipient ID. */
  recipientId(privateKey: Uint8Array, privOff: i32, out: Uint8Array, outOff: i32): i32 {
    const ps: i32 = x25519PublicKey(this.scratch, 0, privateKey, privOff);
    if (ps != OK) return ps;
    this.hasher.reset();
    this.hasher.update(this.scratch, 0, 32);
    this.hasher.finish(out, outOff);
    return OK;
  }
}

const theDecryptor: Decryptor = new Decryptor();

export function decryptAvailable(): bool {
  return true;
}

export function decryptor(): Decryptor {
  return theDecryptor;
}
