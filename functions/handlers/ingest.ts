// Lambda entry point: the ingest rule delivers one forwarded observation per invocation.
import type { EventBridgeEvent } from 'aws-lambda';
import type { IngestDeps } from '../loop/deps';
import { ingestOne, type IngestOutcome } from '../loop/ingest-one';
import { awsDeps } from './aws-deps';

export function makeHandler(deps: IngestDeps | (() => IngestDeps)) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<IngestOutcome> => {
    const d = typeof deps === 'function' ? deps() : deps;
    try {
      return await ingestOne(event, d);
    } finally {
      d.telemetry.flush();
    }
  };
}

export const handler = makeHandler(awsDeps);
