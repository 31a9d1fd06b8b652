import type { Logger } from 'pino';
import type { EventBus } from '../../platform/bus/event-bus.js';
import './case-events.js';
import type { CaseService } from './cases.service.js';

/**
 * Sensor alarms become cases: the rules and alarms module publishes `alarm.raised` and never
 * learns that cases exist. Redelivered alarms find their case by alarm id.
 */
export function subscribeAlarmIntake(bus: EventBus, cases: CaseService, log: Logger): () => void {
  return bus.subscribe('alarm.raised', (alarm) => {
    cases.createFromAlarm(alarm).catch((e: unknown) => {
      log.warn({ err: e, alarmId: alarm.alarmId }, 'alarm could not become a case');
    });
  });
}
