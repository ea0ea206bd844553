// as-pect runs the core's unit specs (assembly/__tests__/*.spec.ts) in WASM.
// The host ABI is served by a plain RAM-backed NOR model (erase to 0xFF,
// program ANDs bits) so specs can exercise flash-facing code directly.
const FLASH_SIZE = 1 << 20;
const SECTOR = 4096;

export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    const flash = new Uint8Array(FLASH_SIZE).fill(0xff);
    let instance;
    const mem = () => new Uint8Array(instance.exports.memory.buffer);
    const imports = {
      env: { memory },
      slotboot: {
        flash_read(addr, ptr, len) {
          if (addr + len > FLASH_SIZE) return -1;
          mem().set(flash.subarray(addr, addr + len), ptr);
          return 0;
        },
        flash_program(addr, ptr, len) {
          if (addr + len > FLASH_SIZE) return -1;
          const m = mem();
          for (let i = 0; i < len; i++) flash[addr + i] &= m[ptr + i];
          return 0;
        },
        flash_sha256() {
          return -1; // no hardware hashing: the core's own SHA-256 is used
        },
        sha256_begin() {
          return -1; // nor streaming hashing
        },
        sha256_update() {
          return -1;
        },
        sha256_finish() {
          return -1;
        },
        flash_erase(addr) {
          if (addr % SECTOR !== 0 || addr >= FLASH_SIZE) return -1;
          flash.fill(0xff, addr, addr + SECTOR);
          return 0;
        },
      },
    };
    // The loader's instantiate is async; the flash calls need its exports.memory.
    instance = await instantiate(binary, createImports(imports));
    return instance;
  },
  outputBinary: false,
};
