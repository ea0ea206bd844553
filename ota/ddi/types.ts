// The JSON shapes of the Eclipse hawkBit Direct Device Integration (DDI) API
// v1 that slotboot speaks: the subset a device needs (docs/transport.md lists
// it and where hawkBit goes further). Field names are hawkBit's, unchanged,
// so a device runs against a real hawkBit server and `slotboot serve` alike.

export interface Link {
  href: string;
}

/** GET /{tenant}/controller/v1/{controllerId}: what the device should do next. */
export interface ControllerBase {
  config: { polling: { sleep: string } };
  _links?: {
    deploymentBase?: Link;
    configData?: Link;
    cancelAction?: Link;
    installedBase?: Link;
  };
}

export type HandlingType = "skip" | "attempt" | "forced";

export interface ArtifactHashes {
  sha1: string;
  md5: string;
  sha256: string;
}

export interface Artifact {
  filename: string;
  hashes: ArtifactHashes;
  size: number;
  _links: { download?: Link; "download-http"?: Link; "md5sum"?: Link; "md5sum-http"?: Link };
}

export interface Chunk {
  part: string;
  version: string;
  name: string;
  artifacts: Artifact[];
}

/** GET …/deploymentBase/{actionId}. */
export interface DeploymentBase {
  id: string;
  deployment: {
    download: HandlingType;
    update: HandlingType;
    maintenanceWindow?: "available" | "unavailable";
    chunks: Chunk[];
  };
  actionHistory?: { status: string; messages: string[] };
}

export type Execution = "closed" | "proceeding" | "canceled" | "scheduled" | "rejected" | "resumed" | "downloaded" | "download";
export type Finished = "success" | "failure" | "none";

/** POST …/deploymentBase/{actionId}/feedback and …/cancelAction/{id}/feedback. */
export interface ActionFeedback {
  /** Older hawkBit versions required the action id and a timestamp here; newer ones ignore them. */
  id?: string;
  time?: string;
  status: {
    execution: Execution;
    result: { finished: Finished; progress?: { cnt: number; of: number } };
    code?: number;
    details?: string[];
  };
}

/** PUT …/configData: the controller's attributes. */
export interface ConfigData {
  mode?: "merge" | "replace" | "remove";
  data: Record<string, string>;
}

/** GET …/cancelAction/{id}. */
export interface CancelAction {
  id: string;
  cancelAction: { stopId: string };
}

export const EXECUTIONS: readonly Execution[] = ["closed", "proceeding", "canceled", "scheduled", "rejected", "resumed", "downloaded", "download"];
export const FINISHED: readonly Finished[] = ["success", "failure", "none"];
