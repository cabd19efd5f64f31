// The watch forwarder's public face: run it against a cluster, with EventBridge or another sink.
export { runForwarder, type ForwarderOptions, type RunningForwarder } from './forwarder';
export { eventBridgeSink, type EventSink } from './event-sink';
