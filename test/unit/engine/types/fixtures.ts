/** Shared imports for the engine/types tests (through the module's index, as other code would). */
export * from '../../../../engine/types/index.js';
import { INTEGER, arrayType } from '../../../../engine/types/index.js';
export const ARRAY_OF_INT = arrayType(INTEGER);
export { isSluiceError, SluiceError } from '../../../../common/index.js';
