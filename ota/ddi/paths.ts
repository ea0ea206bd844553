// The DDI resource paths, built and parsed in one place.

export interface ControllerPath {
  tenant: string;
  controllerId: string;
  /** What follows the controller id: [] for the base, ["deploymentBase", "7"], ["deploymentBase", "7", "feedback"], … */
  rest: string[];
}

const SEGMENT = /^[A-Za-z0-9._~-]{1,128}$/;

export function controllerPath(tenant: string, controllerId: string, ...rest: string[]): string {
  for (const part of [tenant, controllerId, ...rest]) {
    if (!SEGMENT.test(part)) throw new TypeError(`DDI path segment must be 1-128 of A-Z a-z 0-9 . _ ~ -, not ${JSON.stringify(part)}`);
  }
  return "/" + [tenant, "controller", "v1", controllerId, ...rest].join("/");
}

/** Parse "/{tenant}/controller/v1/{controllerId}/…" (query string ignored); null for other paths. */
export function parseControllerPath(path: string): ControllerPath | null {
  const parts = path.split("?")[0].split("/").slice(1);
  if (parts.length < 4 || parts[1] !== "controller" || parts[2] !== "v1") return null;
  let decoded: string[];
  try {
    decoded = parts.map(decodeURIComponent);
  } catch {
    return null;
  }
  if (!decoded.every((part) => SEGMENT.test(part))) return null;
  return { tenant: decoded[0], controllerId: decoded[3], rest: decoded.slice(4) };
}
