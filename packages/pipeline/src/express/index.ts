export type { AppLocals, PipelineOptions } from './app.js';
export { createPipeline } from './app.js';
export type { CallerKey, LanesOptions } from './lanes.js';
export { mcpLanes } from './lanes.js';
