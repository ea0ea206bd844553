#!/usr/bin/env python3
"""An independent reference for MCUboot's ECIES-X25519 image encryption,
written from imgtool's image.py (create / ecies_hkdf) and MCUboot's
encrypted.c, on the `cryptography` package (OpenSSL) instead of @noble.

  encrypt PLAIN.img DEVICE_PUBLIC_HEX OUT.img   imgtool's steps after signing:
      random 16-byte key, ephemeral X25519 key, HKDF-SHA256 (no salt,
      info "MCUBoot_ECIES_v1", 48 bytes), key wrapped in AES-CTR (zero
      counter) and tagged with HMAC-SHA256, body encrypted in AES-CTR,
      ENC_X25519 (0x33) appended to the unprotected TLV area
  decrypt ENC.img DEVICE_PRIVATE_HEX OUT.img    the bootloader's steps
"""
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

INFO = b"MCUBoot_ECIES_v1"
TLV_INFO_MAGIC = 0x6907
ENC_X25519 = 0x33


def ctr(key, data):
    enc = Cipher(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
    return enc.update(data) + enc.finalize()


def layout(img):
    hdr_size, prot_size, body_size = struct.unpack_from("<HHI", img, 8)
    unprot_at = hdr_size + body_size + prot_size
    magic, unprot_len = struct.unpack_from("<HH", img, unprot_at)
    assert magic == TLV_INFO_MAGIC, "no unprotected TLV area"
    return hdr_size, hdr_size + body_size, unprot_at, unprot_len


def encrypt(plain, device_public):
    hdr, body_end, unprot_at, unprot_len = layout(plain)
    key_len = 16 if struct.unpack_from("<I", plain, 16)[0] & 0x04 else 32
    image_key = os.urandom(key_len)
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(device_public))
    okm = HKDF(algorithm=hashes.SHA256(), length=key_len + 32, salt=None, info=INFO).derive(shared)
    wrapped = ctr(okm[:key_len], image_key)
    mac = hmac.HMAC(okm[key_len:], hashes.SHA256())
    mac.update(wrapped)
    entry = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) + mac.finalize() + wrapped
    out = bytearray(plain[: unprot_at + unprot_len])
    out[hdr:body_end] = ctr(image_key, bytes(plain[hdr:body_end]))
    struct.pack_into("<H", out, unprot_at + 2, unprot_len + 4 + len(entry))
    out += struct.pack("<HH", ENC_X25519, len(entry)) + entry
    return bytes(out)


def decrypt(enc, device_private):
    hdr, body_end, unprot_at, unprot_len = layout(enc)
    p = unprot_at + 4
    entry = None
    while p < unprot_at + unprot_len:
        kind, length = struct.unpack_from("<HH", enc, p)
        if kind == ENC_X25519:
            entry = enc[p + 4 : p + 4 + length]
        p += 4 + length
    assert entry is not None, "no ENC_X25519 entry"
    key_len = len(entry) - 64
    shared = X25519PrivateKey.from_private_bytes(device_private).exchange(X25519PublicKey.from_public_bytes(entry[:32]))
    okm = HKDF(algorithm=hashes.SHA256(), length=key_len + 32, salt=None, info=INFO).derive(shared)
    mac = hmac.HMAC(okm[key_len:], hashes.SHA256())
    mac.update(entry[64:])
    mac.verify(entry[32:64])
    image_key = ctr(okm[:key_len], entry[64:])
    out = bytearray(enc)
    out[hdr:body_end] = ctr(image_key, bytes(enc[hdr:body_end]))
    return bytes(out)


if __name__ == "__main__":
    mode, src, key_hex, dst = sys.argv[1:5]
    data = open(src, "rb").read()
    result = encrypt(data, bytes.fromhex(key_hex)) if mode == "encrypt" else decrypt(data, bytes.fromhex(key_hex))
    open(dst, "wb").write(result)
