import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer } from '../../runtime/dev-server.js';
import { WORKFLOWS_PATH } from '../../worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundleCode: string;
  }
}

/** One real Temporal dev server and one workflow bundle for every integration test file. */
export default async function setup(project: TestProject) {
  const [server, bundle] = await Promise.all([
    startDevServer(),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
  ]);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundleCode', bundle.code);
  return async () => {
    await server.stop();
  };
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
