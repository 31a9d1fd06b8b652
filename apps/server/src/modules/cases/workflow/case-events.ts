import type { CaseChannel, CaseState } from '@civitas/contracts/cases';

/** An alarm the rules issue raises; the case center turns it into a `sensor_alarm` case. */
export interface AlarmRaised {
  /** Stable id of the alarm: a redelivered event finds the case already made. */
  alarmId: string;
  /** Case category code, e.g. water_drainage.waterlogging. */
  category: string;
  title: string;
  description?: string;
  lat: number;
  lng: number;
  deviceId?: string | null;
  raisedAt: string;
}

// The bus's event list grows by declaration merging, so the platform never imports modules.
declare module '../../../platform/bus/event-bus.js' {
  interface BusEvents {
    'alarm.raised': AlarmRaised;
    'case.created': {
      caseId: string;
      ref: string;
      channel: CaseChannel;
      categoryCode: string;
      orgUnitPath: string;
      at: string;
    };
    'case.changed': {
      caseId: string;
      ref: string;
      action: string;
      from: CaseState;
      to: CaseState;
      orgUnitPath: string;
      responsibleUnitId: string;
      at: string;
    };
  }
}
