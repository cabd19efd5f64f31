// A local EventBridge PutEvents endpoint (AWS JSON 1.1) for the real @aws-sdk/client-eventbridge:
// it records accepted entries and fails the entries a test chooses, as PutEvents does, with
// FailedEntryCount and a per-entry ErrorCode.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

export interface PutEventsEndpoint {
  endpoint: string;
  /** Entries accepted, in order. */
  accepted: PutEventsRequestEntry[];
  /** Every entry of every request, accepted or not. */
  attempts: PutEventsRequestEntry[];
  requests: number;
  /** Decides an entry's fate: an ErrorCode fails it. */
  failWith?: (entry: PutEventsRequestEntry) => string | undefined;
  client(): EventBridgeClient;
  close(): Promise<void>;
}

export async function startPutEventsEndpoint(): Promise<PutEventsEndpoint> {
  const reply = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    const buf = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': buf.length, 'x-amzn-requestid': randomUUID() });
    res.end(buf);
  };
  const state: PutEventsEndpoint = {
    endpoint: '',
    accepted: [],
    attempts: [],
    requests: 0,
    client: () =>
      new EventBridgeClient({ endpoint: state.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') return reply(res, 400, { __type: 'UnknownOperationException', message: 'unsupported' });
    const entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: PutEventsRequestEntry[] }).Entries ?? [];
    if (entries.length < 1 || entries.length > 10)
      return reply(res, 400, { __type: 'ValidationException', message: 'Entries must have length between 1 and 10' });
    state.requests++;
    let failed = 0;
    const results = entries.map((entry) => {
      state.attempts.push(entry);
      const error = state.failWith?.(entry);
      if (error) {
        failed++;
        return { ErrorCode: error, ErrorMessage: `injected ${error}` };
      }
      state.accepted.push(entry);
      return { EventId: randomUUID() };
    });
    reply(res, 200, { FailedEntryCount: failed, Entries: results });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
