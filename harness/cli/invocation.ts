// How the user ran this tool, so that a command it prints runs the same way.
import { TOOL_NAME } from '../tool/version.js';

/** `npm start --` when run by `npm start` in a checkout (the bin is not on PATH there), else through npx. */
export function invocation(env: NodeJS.ProcessEnv): string {
  return env['npm_lifecycle_event'] === 'start' ? 'npm start --' : `npx ${TOOL_NAME}`;
}
