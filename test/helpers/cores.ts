import { CORE_KINDS, loadCore, type CoreKind } from "../../bindings/core.js";
export { CORE_KINDS, loadCore };
export type { CoreKind };
