import type { Args } from './api-args';
import type { Json } from './element-limits';
import type { FileStore } from './files';
import type { Triggers } from './triggers';
import type { ViewsStore } from './views-store';
import type { Workspace } from './workspace';

/** What a Web API method handler can reach. */
export interface ApiContext {
  ws: Workspace;
  views: ViewsStore;
  triggers: Triggers;
  files: FileStore;
}

/** Returns the success body without `ok` (added by the dispatcher), or throws `ApiError`. */
export type MethodHandler = (args: Args, ctx: ApiContext) => Json;
