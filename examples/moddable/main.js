// A Moddable application's start: decide the slot at power-up and report it.
// A real device then starts the chosen slot's mod (docs/porting.md).
import { createFlashHost } from "flash-host";
import { decide, RESET } from "loader";

const LAYOUT = { control: 0, controlSectors: 2, resume: 8192, resumeSectors: 2, slotA: 16384,
  slotB: 16384 + 262144, slotSize: 262144, sectorSize: 4096, writeSize: 4, maxAttempts: 3,
  maxPowerAttempts: 10, verifyOnce: true, keyed: true };

const host = createFlashHost("xs");
const decision = decide(host, LAYOUT, RESET.powerOn);
trace(`slotboot: slot ${decision.slot} (${decision.reason}) version ${decision.version}\n`);
