import { router } from '../trpc/trpc.js';
import { containersRouter } from './containers.js';
import { imagesRouter } from './images.js';
import { networksRouter } from './networks.js';
import { statsRouter } from './stats.js';
import { systemRouter } from './system.js';
import { terminalsRouter } from './terminals.js';
import { volumesRouter } from './volumes.js';

export const appRouter = router({
  system: systemRouter,
  containers: containersRouter,
  stats: statsRouter,
  images: imagesRouter,
  networks: networksRouter,
  volumes: volumesRouter,
  terminals: terminalsRouter,
});

/** The API's type, for the dashboard's and the CLI's tRPC clients (import type only). */
export type AppRouter = typeof appRouter;
