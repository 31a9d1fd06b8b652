/**
 * The device simulator, for use in process (the server's demo mode) as well as from the command
 * line (`npm run simulate`, cli.ts).
 *
 *   const stop = new AbortController();
 *   const done = runSimulator({ devices, mqttUrl: 'mqtt://127.0.0.1:1883', rate: 5, seed: 1, signal: stop.signal });
 *   // ... later
 *   stop.abort();
 *   const stats = await done;
 *
 * `devices` carry their credentials: a device token (ThingsBoard, SenML) or the FIWARE group's API
 * key. `provisionDevices` registers devices through the HTTP API and returns them ready to use.
 */
export { runSimulator, type SimDevice, type SimulatorOptions, type SimulatorStats } from './simulator.js';
export { provisionDevices, planDevice, type ProvisionOptions } from './provision.js';
export { createModel, simulatedProfiles, type DeviceModel, type Sample } from './models.js';
export { encodeSample, topicFor, usernameFor, type SimFormat } from './encoders.js';
