/**
 * The composition root both hosts call: it creates the training worker, the service around it,
 * loads the sheet (the built-in demo sheet unless told otherwise) and returns the endpoint the
 * host wires to its transport.
 */
import type { ServiceEndpoint } from '../../service/endpoint.ts';

export interface ServiceRootOptions {
  /** A sheet file (JSON, as in resources/) or a ratings file to open instead of the demo sheet. */
  sheetPath?: string;
  /** ONNX Runtime threads for the training worker (default 1: the UI keeps the other core). */
  threads?: number;
}

export interface ServiceRoot {
  endpoint: ServiceEndpoint;
  dispose(): Promise<void>;
}

export declare function createServiceRoot(options?: ServiceRootOptions): Promise<ServiceRoot>;
