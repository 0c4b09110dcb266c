import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;
const EventType = temporal.api.enums.v1.EventType;

/** The marker a local activity leaves in the history (Temporal's core SDK names it so). */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * What a case's history says about one of its writes (or its context load): asked for with this
 * input, done with this result, or refused for good with this error. A case's writes are
 * activities of their own in histories recorded before the `local-effects` patch, and since then
 * local activities (markers), the writes pending at once in one `performCaseEffects` whose result
 * lists each write with its input: both read the same here.
 */
export type WriteFact =
  | { readonly phase: 'scheduled'; readonly activity: string; readonly input: unknown }
  | { readonly phase: 'done'; readonly activity: string; readonly input: unknown; readonly result: unknown }
  | { readonly phase: 'refused'; readonly activity: string; readonly input: unknown; readonly error: string };

function decodeFirst(payloads: Payloads): unknown {
  const payload = payloads?.payloads?.[0];
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a history's events in order, remembering which activity each scheduled event was. */
export class CaseWriteReader {
  private readonly scheduled = new Map<string, { activity: string; input: unknown }>();

  /** The write facts one event holds (none for most events). */
  read(event: HistoryEvent): WriteFact[] {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const attributes = event.activityTaskScheduledEventAttributes;
        const activity = attributes?.activityType?.name ?? 'activity';
        const input = decodeFirst(attributes?.input);
        this.scheduled.set(String(event.eventId ?? ''), { activity, input });
        return [{ phase: 'scheduled', activity, input }];
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const attributes = event.activityTaskCompletedEventAttributes;
        const task = this.scheduled.get(String(attributes?.scheduledEventId ?? ''));
        return [{ phase: 'done', activity: task?.activity ?? 'activity', input: task?.input, result: decodeFirst(attributes?.result) }];
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const attributes = event.activityTaskFailedEventAttributes;
        const task = this.scheduled.get(String(attributes?.scheduledEventId ?? ''));
        return [{ phase: 'refused', activity: task?.activity ?? 'activity', input: task?.input, error: attributes?.failure?.message ?? 'unknown error' }];
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        return this.readMarker(event.markerRecordedEventAttributes);
      default:
        return [];
    }
  }

  private readMarker(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes | null | undefined): WriteFact[] {
    if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return [];
    const data = decodeFirst(marker.details?.['data']);
    const activity = isJson(data) && typeof data['activity_type'] === 'string' ? data['activity_type'] : 'activity';
    // A local activity of its own (the context load, a problem report): its input is not kept.
    const asked: WriteFact = { phase: 'scheduled', activity, input: undefined };
    if (marker.failure) return [asked, { phase: 'refused', activity, input: undefined, error: marker.failure.message ?? 'unknown error' }];
    const result = decodeFirst(marker.details?.['result']);
    if (activity !== 'performCaseEffects') return [asked, { phase: 'done', activity, input: undefined, result }];
    const writes = isJson(result) && Array.isArray(result['writes']) ? (result['writes'] as unknown[]) : [];
    return writes.filter(isJson).flatMap((write): WriteFact[] => {
      const name = typeof write['activity'] === 'string' ? write['activity'] : 'activity';
      const scheduled: WriteFact = { phase: 'scheduled', activity: name, input: write['input'] };
      if (typeof write['refused'] === 'string') return [scheduled, { phase: 'refused', activity: name, input: write['input'], error: write['refused'] }];
      return [scheduled, { phase: 'done', activity: name, input: write['input'], result: write['result'] }];
    });
  }
}
