/**
 * The composition root both hosts call: it creates the training worker, the service around it,
 * opens the sheet (the built-in demo sheet unless told otherwise) and returns the endpoint the
 * host wires to its transport. Only the electron-vite build can import this file (`?nodeWorker`);
 * tests build the service with their own worker factory.
 */
import fusedWorkerPath from '../../engine/fused/worker.ts?modulePath';
import blockWorkerPath from '../../engine/train/parallel/block-worker.ts?modulePath';
import createTrainingWorker from '../../service/worker/training-worker.ts?nodeWorker';
import { createEndpoint, type ServiceEndpoint } from '../../service/endpoint.ts';
import { createService, type ServiceOptions } from '../../service/service.ts';
import type { WorkerFactory } from '../../service/worker-client.ts';
import type { WorkerData } from '../../service/worker/channel.ts';
import { demoSheetPath } from '../../io/resources.ts';

export interface ServiceRootOptions {
  /** What to open instead of the demo sheet, and how (see ServiceOptions). */
  service?: Partial<ServiceOptions>;
  /** Only tests pass this; the build's bundled worker is the default. */
  createWorker?: WorkerFactory;
}

export interface ServiceRoot {
  endpoint: ServiceEndpoint;
  dispose(): Promise<void>;
}

export async function createServiceRoot(options: ServiceRootOptions = {}): Promise<ServiceRoot> {
  const service = await createService(options.createWorker ?? bundledTrainingWorker, {
    source: { kind: 'sheet-file', path: demoSheetPath() },
    ...options.service,
  });
  return { endpoint: createEndpoint(service), dispose: () => service.dispose() };
}

/**
 * The bundled training worker, told where the bundled two-core block worker and fused worker
 * are, and to run those below the window that shares the cores (nice 10: docs/scale.md).
 */
const bundledTrainingWorker: WorkerFactory = (options) => createTrainingWorker({
  ...options,
  workerData: { ...(options.workerData as WorkerData), blockWorker: { entry: blockWorkerPath, nice: 10 }, fusedWorker: { entry: fusedWorkerPath, nice: 10 } },
});
