// Typed errors of the secure local link. Every refusal carries a stable code
// (documented in docs/transport-gateway.md) and a message that says what to do.
// Portable: no host APIs, so the device side can run it in XS or Espruino.

export const LINK_BAD_FRAME = "LINK_BAD_FRAME";
export const LINK_UNEXPECTED_FRAME = "LINK_UNEXPECTED_FRAME";
export const LINK_HANDSHAKE_FAILED = "LINK_HANDSHAKE_FAILED";
export const LINK_UNKNOWN_PEER = "LINK_UNKNOWN_PEER";
export const LINK_VERSION = "LINK_VERSION";
export const LINK_AUTH_FAILED = "LINK_AUTH_FAILED";
export const LINK_REPLAY = "LINK_REPLAY";
export const LINK_OUT_OF_ORDER = "LINK_OUT_OF_ORDER";
export const LINK_TRUNCATED = "LINK_TRUNCATED";
export const LINK_TIMEOUT = "LINK_TIMEOUT";
export const LINK_SESSION_EXHAUSTED = "LINK_SESSION_EXHAUSTED";
export const LINK_CLOSED = "LINK_CLOSED";
export const LINK_NOT_OPEN = "LINK_NOT_OPEN";
export const LINK_MESSAGE_TOO_LARGE = "LINK_MESSAGE_TOO_LARGE";
export const LINK_PEER_CLOSED = "LINK_PEER_CLOSED";

const messages: { [code: string]: string } = {
  LINK_BAD_FRAME: "a frame on the local link is malformed (unknown kind, non-zero padding or bad length); the session is closed, reconnect",
  LINK_UNEXPECTED_FRAME: "a frame arrived that the link's current state does not allow; the session is closed, reconnect",
  LINK_HANDSHAKE_FAILED: "the link handshake did not authenticate: the peer does not hold the provisioned static key, or the message was altered; check the keys provisioned on both sides",
  LINK_UNKNOWN_PEER: "the device's static key is not in the gateway's list of provisioned devices; add its public key to the gateway's device list",
  LINK_VERSION: "the peer speaks another link protocol version; update the older side",
  LINK_AUTH_FAILED: "a frame on the local link failed authentication (altered or injected); the session is closed, reconnect",
  LINK_REPLAY: "a frame on the local link was replayed (its counter is already used); the session is closed, reconnect",
  LINK_OUT_OF_ORDER: "a frame on the local link skips ahead of the expected counter (reordered or dropped); the session is closed, reconnect",
  LINK_TRUNCATED: "the local link's byte stream ended before the session was closed; reconnect and resume",
  LINK_TIMEOUT: "the link handshake did not complete in time; reconnect",
  LINK_SESSION_EXHAUSTED: "the session used up its frame budget; reconnect to start a fresh session with new keys",
  LINK_CLOSED: "the session is closed; start a new one",
  LINK_NOT_OPEN: "the session is not open yet; wait for the handshake to complete",
  LINK_MESSAGE_TOO_LARGE: "a link message is larger than one frame's payload; split it",
  LINK_PEER_CLOSED: "the peer closed the session",
};

export class LinkError extends Error {
  readonly code: string;
  constructor(code: string, detail?: string) {
    const base = messages[code] || "link error " + code;
    super(detail ? base + " (" + detail + ")" : base);
    this.name = "LinkError";
    this.code = code;
  }
}

export function linkErrorMessage(code: string): string {
  return messages[code] || "link error " + code;
}
