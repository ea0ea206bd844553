// The gateway's local link over TCP (a LAN or loopback stand-in for a UART or
// BLE link): one LinkConnection per accepted socket, ticked for handshake
// timeouts, with socket backpressure: a device that reads slowly holds at most
// the session's queue (32 frames) and the socket's buffer at the gateway.
import net from "node:net";
import { LinkConnection, type LinkServerOptions } from "./link-server.js";

export interface TcpLinkServer {
  port: number;
  connections: Set<LinkConnection>;
  close(): Promise<void>;
}

/** `maxConnections` bounds the sockets a neighbour can hold open (each also has the 10 s handshake timeout). */
export async function listenTcpLink(options: LinkServerOptions, port = 0, host = "127.0.0.1", maxConnections = 1024): Promise<TcpLinkServer> {
  const connections = new Set<LinkConnection>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    const connection = new LinkConnection(options, {
      write: (bytes) => socket.write(bytes),
      close: () => socket.end(),
    });
    socket.on("drain", () => connection.resume());
    connections.add(connection);
    socket.on("data", (chunk: Buffer) => connection.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    const gone = () => {
      connection.end();
      connections.delete(connection);
      sockets.delete(socket);
    };
    socket.on("end", gone);
    socket.on("close", gone);
    socket.on("error", gone);
  });
  server.maxConnections = maxConnections;
  const ticker = setInterval(() => {
    for (const connection of connections) connection.tick();
  }, 1000);
  ticker.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
