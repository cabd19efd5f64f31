// Environment variables of the checkpoint function (infra/constructs/tamper-evidence.ts sets them).
export const CHECKPOINT_BUCKET_ENV = 'DAEMONLOOP_CHECKPOINT_BUCKET';
export const CHECKPOINT_KEY_ID_ENV = 'DAEMONLOOP_CHECKPOINT_KEY_ID';
/** Counted by the commit guard for every MODIFY or REMOVE of a commit item; any is alarmed. */
export const COMMIT_REWRITTEN_METRIC = 'CommitRewritten';
