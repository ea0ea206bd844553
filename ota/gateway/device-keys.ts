// The gateway's list of provisioned edge devices: each device's X25519 link
// public key and the DDI controller id it may speak for. File form (JSON):
//   { "devices": [ { "controllerId": "edge-1", "linkPublicKey": "<64 hex>" }, … ] }
export class DeviceKeysError extends Error {
  readonly code = "GATEWAY_DEVICE_LIST";
}

const HEX32 = /^[0-9a-f]{64}$/;
const CONTROLLER_ID = /^[A-Za-z0-9._~-]{1,128}$/;

export function parseDeviceKeys(text: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DeviceKeysError(`the device list is not JSON (${(error as Error).message})`);
  }
  const devices = (value as { devices?: unknown })?.devices;
  if (!Array.isArray(devices)) throw new DeviceKeysError('the device list needs { "devices": [ { "controllerId", "linkPublicKey" } ] }');
  const keys = new Map<string, string>();
  for (const [index, entry] of devices.entries()) {
    const { controllerId, linkPublicKey } = (entry ?? {}) as { controllerId?: unknown; linkPublicKey?: unknown };
    if (typeof controllerId !== "string" || !CONTROLLER_ID.test(controllerId)) throw new DeviceKeysError(`devices[${index}].controllerId must be 1-128 of A-Z a-z 0-9 . _ ~ -`);
    const key = typeof linkPublicKey === "string" ? linkPublicKey.toLowerCase() : "";
    if (!HEX32.test(key)) throw new DeviceKeysError(`devices[${index}].linkPublicKey must be 64 hex digits (an X25519 public key from \`slotboot link-keygen\`)`);
    if (keys.has(key)) throw new DeviceKeysError(`devices[${index}]: the key is already provisioned for ${keys.get(key)}; one key, one controller id`);
    keys.set(key, controllerId);
  }
  return keys;
}
