// slotboot's host calls over Moddable's Flash: offsets inside one partition,
// a fault is -1 (the driver never throws into the core), and the image
// digest and the package's chain blocks stream through Crypt.Digest (no copy
// of the image in RAM).
import Flash from "flash";
import { Digest } from "crypt";

export function createFlashHost(partition) {
  const part = new Flash(partition);
  // Bytes read from flash per Digest.write: one small buffer at a time.
  const block = 512;
  let stream = null;
  return {
    blockSize: part.blockSize,
    read(addr, buf, off, len) {
      try { buf.set(new Uint8Array(part.read(addr, len)), off); return 0; } catch { return -1; }
    },
    program(addr, buf, off, len) {
      try { part.write(addr, len, buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + len)); return 0; } catch { return -1; }
    },
    erase(addr) {
      try { part.erase(addr / part.blockSize); return 0; } catch { return -1; }
    },
    sha256(addr, len, out, off) {
      try {
        const digest = new Digest("SHA256");
        for (let at = 0; at < len; at += block) {
          const n = Math.min(block, len - at);
          digest.write(part.read(addr + at, n));
        }
        out.set(new Uint8Array(digest.close()), off);
        return 0;
      } catch { return -1; }
    },
    // A package's chain blocks, streamed through Crypt.Digest as they arrive.
    sha256Begin(len) {
      try { stream = new Digest("SHA256"); return 0; } catch { stream = null; return -1; }
    },
    sha256Update(buf, off, len) {
      try { stream.write(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + len)); return 0; } catch { return -1; }
    },
    sha256Finish(out, off) {
      try { out.set(new Uint8Array(stream.close()), off); stream = null; return 0; } catch { stream = null; return -1; }
    },
  };
}
