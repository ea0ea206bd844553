// A throwaway certificate authority for `slotboot serve`: made in memory at
// start with node:crypto keys (ECDSA P-256) and certificates encoded by hand
// (der.ts), so a rig needs no openssl binary. The CA certificate is written out
// for clients to trust; its private key never leaves the process.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import {
  bitString, boolean, concat, explicit, implicit, integer, objectId, octetString, sequence, set, time, utf8String,
} from "./der.js";

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const COMMON_NAME = "2.5.4.3";

export interface ThrowawayCa {
  /** PEM of the CA certificate: what clients trust. */
  caPem: string;
  /** PEM of the server certificate (localhost, 127.0.0.1, ::1), signed by the CA. */
  certPem: string;
  /** PEM (PKCS#8) of the server key. */
  keyPem: string;
}

function pem(label: string, der: Uint8Array): string {
  const text = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${text}\n-----END ${label}-----\n`;
}

const name = (commonName: string) => sequence(set(sequence(objectId(COMMON_NAME), utf8String(commonName))));

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(objectId(oid), boolean(true), octetString(value)) : sequence(objectId(oid), octetString(value));
}

function subjectPublicKeyInfo(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: "spki", format: "der" }));
}

/** Key identifier: SHA-1 of the SubjectPublicKeyInfo (method 1 of RFC 5280 is over the key bits; any stable hash will do). */
const keyId = (spki: Uint8Array) => new Uint8Array(createHash("sha1").update(spki).digest());

interface CertificateRequest {
  subject: string;
  issuer: string;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  issuerSpki: Uint8Array;
  authority: boolean;
  hosts?: { dns: string[]; ips: Uint8Array[] };
  days: number;
}

function certificate(request: CertificateRequest): Uint8Array {
  const spki = subjectPublicKeyInfo(request.subjectKey);
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + request.days * 24 * 60 * 60 * 1000);
  const extensions: Uint8Array[] = [
    extension("2.5.29.19", true, request.authority ? sequence(boolean(true)) : sequence()),
    // keyUsage: keyCertSign + cRLSign for the CA, digitalSignature for the server.
    extension("2.5.29.15", true, request.authority ? bitString(Uint8Array.of(0x06), 1) : bitString(Uint8Array.of(0x80), 7)),
    extension("2.5.29.14", false, octetString(keyId(spki))),
    extension("2.5.29.35", false, sequence(implicit(0, keyId(request.issuerSpki)))),
  ];
  if (request.hosts) {
    extensions.push(extension("2.5.29.37", false, sequence(objectId("1.3.6.1.5.5.7.3.1"))));
    const names = [...request.hosts.dns.map((dns) => implicit(2, new TextEncoder().encode(dns))), ...request.hosts.ips.map((ip) => implicit(7, ip))];
    extensions.push(extension("2.5.29.17", false, sequence(...names)));
  }
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = sequence(
    explicit(0, integer(Uint8Array.of(2))),
    integer(serial),
    sequence(objectId(ECDSA_WITH_SHA256)),
    name(request.issuer),
    sequence(time(notBefore), time(notAfter)),
    name(request.subject),
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = new Uint8Array(sign("sha256", tbs, request.issuerKey));
  return sequence(tbs, sequence(objectId(ECDSA_WITH_SHA256)), bitString(signature));
}

/** Make a CA and a loopback server certificate it signed, valid for `days` days. */
export function makeThrowawayCa(days = 7): ThrowawayCa {
  const caKeys = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const serverKeys = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const caSpki = subjectPublicKeyInfo(caKeys.publicKey);
  const stamp = new Date().toISOString().slice(0, 19);
  const caName = `slotboot throwaway CA ${stamp}`;
  const ca = certificate({
    subject: caName, issuer: caName, subjectKey: caKeys.publicKey, issuerKey: caKeys.privateKey, issuerSpki: caSpki, authority: true, days,
  });
  const server = certificate({
    subject: "localhost",
    issuer: caName,
    subjectKey: serverKeys.publicKey,
    issuerKey: caKeys.privateKey,
    issuerSpki: caSpki,
    authority: false,
    hosts: { dns: ["localhost"], ips: [Uint8Array.of(127, 0, 0, 1), concat([new Uint8Array(15), Uint8Array.of(1)])] },
    days,
  });
  const keyPem = createPrivateKey(serverKeys.privateKey.export({ type: "pkcs8", format: "pem" })).export({ type: "pkcs8", format: "pem" }) as string;
  return { caPem: pem("CERTIFICATE", ca), certPem: pem("CERTIFICATE", server), keyPem };
}
