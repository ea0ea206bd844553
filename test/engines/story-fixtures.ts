// The story's fixtures live with the engine tooling (tools/engines/story.ts).
export * from "../../tools/engines/story.js";
