import type { Logger } from 'pino';
import type { EventBus } from '../../../platform/bus/event-bus.js';
import '../workflow/case-events.js';
import type { CaseService } from '../cases.service.js';

/**
 * Sensor alarms become cases: the rules and alarms module enqueues `alarm.raised` and never
 * learns that cases exist. A work-queued event (ADR 0024): one process handles each alarm, and one
 * whose process died mid-way is offered again; a redelivered alarm finds its case by alarm id.
 */
export function consumeAlarmIntake(bus: EventBus, cases: CaseService, log: Logger): void {
  bus
    .consume('alarm.raised', 'cases.alarm-intake', async (alarm) => {
      await cases.createFromAlarm(alarm);
    })
    .catch((e: unknown) => log.error({ err: e }, 'alarm intake could not start consuming'));
}
