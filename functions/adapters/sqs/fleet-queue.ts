// The fleet loop's two queues on SQS: requests on the fleet FIFO (MessageGroupId = the fleet's
// stream id, so one fleet reconcile runs per fleet at a time) and wake-ups on the loop's timer
// queue (standard, per-message delay; the timer handler hands a due one back to the fleet FIFO).
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../clock';
import { fleetStreamId } from '../fleet-store/port';
import { fleetRequestBody, fleetTimerBody } from './fleet-messages';
import { delaySecondsUntil } from './timer-queue';

export class SqsFleetQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * `dedupId` names what asked (a log position): requests for the same position collapse. Without
   * one every request is kept — a fleet reconcile is level-triggered, so a spare one costs a read.
   */
  async request(fleet: string, dedupId: string = randomUUID()): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: fleetRequestBody(fleet),
        MessageGroupId: fleetStreamId(fleet),
        MessageDeduplicationId: dedupId,
      }),
    );
  }
}

export class SqsFleetTimers {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly clock: Clock,
  ) {}

  async schedule(fleet: string, dueAt: Date, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: fleetTimerBody({ fleet, dueAt, reason }),
        DelaySeconds: delaySecondsUntil(dueAt, this.clock.now()),
      }),
    );
  }
}
