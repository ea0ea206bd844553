// Cuts the operation list at block boundaries so that every block of
// DELTA_BLOCK_SIZE new bytes can be decoded on its own.

import type { DeltaOp } from "./match.js";

export interface BlockPiece extends DeltaOp {
  /** New-image offset of the piece's first byte. */
  newPos: number;
}

export function splitIntoBlocks(ops: DeltaOp[], newSize: number, blockSize: number): BlockPiece[][] {
  const blocks: BlockPiece[][] = [];
  for (let start = 0; start < newSize; start += blockSize) blocks.push([]);
  let np = 0;
  const emit = (oldPos: number, copy: number, insert: number): void => {
    // Pieces never straddle a boundary: split at it, in both parts.
    while (copy + insert > 0) {
      const b = Math.floor(np / blockSize);
      const room = Math.min((b + 1) * blockSize, newSize) - np;
      const c = Math.min(copy, room);
      const ins = Math.min(insert, room - c);
      blocks[b].push({ newPos: np, oldPos, copy: c, insert: ins });
      np += c + ins;
      oldPos += c;
      copy -= c;
      insert -= ins;
    }
  };
  for (const op of ops) emit(op.oldPos, op.copy, op.insert);
  if (np !== newSize) throw new Error(`delta: operations cover ${np} bytes, new image has ${newSize}`);
  return blocks;
}
