// A gateway in the fleet runner's process: the gateway service (ota/gateway/)
// upstream to `slotboot serve` over HTTPS with the GatewayToken, and its edge
// devices reaching it over the secure local link (ota/link/) carried by
// in-memory byte pipes. Each edge device gets a LinkTransport as its agent
// transport: one agent, two transports. Link faults come from the runner's
// simulated link around that transport, as for direct devices (and, when
// asked, from the pipes themselves: ota/gateway/sim-host.ts).
import { GatewayHost } from "../gateway/sim-host.js";

export class GatewaySite extends GatewayHost {
  /** Bytes on the local links, both directions, frames and handshakes included. */
  get linkBytes(): number {
    return this.ledger.bytes;
  }
}
