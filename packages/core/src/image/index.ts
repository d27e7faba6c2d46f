// The image store's public face: plain functions over a StoreLayout, for the CLI and the agent.
export { formatBytes } from '@cove/shared';
export { normalizeReference } from './image-reference.js';
export {
  type ImageDiskUsage,
  imageDiskUsage,
  listImages,
  type RemovedImage,
  removeImage,
} from './image-store.js';
export { type ImportOptions, type ImportResult, importImage } from './import-image.js';
export { loginRegistry, logoutRegistry } from './login-registry.js';
export { type PullOptions, type PullResult, pullImage } from './pull-image.js';
