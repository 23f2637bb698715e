/**
 * Runs verifyBundle off the main thread: it is synchronous and takes seconds for a 1,200-event
 * bundle, which would stall every other request of the gateway. Input: the bundle as workerData;
 * output: one message, the Report.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyBundle } from '@acetrace/verify';

parentPort?.postMessage(verifyBundle(workerData));
