// Host glue for a device (or a simulated one) that reaches its gateway over
// TCP: a LinkConnector for LinkTransport over node:net.
import net from "node:net";
import type { LinkConnector } from "./link-transport.js";

export function tcpConnector(host: string, port: number): LinkConnector {
  return {
    connect: (events) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        events.onEnd();
      };
      socket.on("data", (chunk: Buffer) => events.onBytes(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
      socket.on("end", end);
      socket.on("close", end);
      socket.on("error", end);
      return {
        write: (bytes) => void socket.write(bytes),
        close: () => socket.end(),
      };
    },
  };
}
