import { readFileSync } from 'node:fs';
import { packagePath } from './package-root.js';

export const TOOL_NAME = 'matrix-3pid-conformance';
export const TOOL_VERSION: string = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')).version;
