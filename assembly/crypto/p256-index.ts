// The P-256 role (JS builds only): ECDSA P-256 verification, loaded by a
// board only when it trusts a P-256 key and plugged into the update role with
// useP256() (see update/p256-socket.portable.ts).
export { ecdsaP256Begin, ecdsaP256BeginDer, ecdsaP256VerifyDigest } from "./ecdsa-p256";
