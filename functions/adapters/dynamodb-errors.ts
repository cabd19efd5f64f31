// A failed ConditionExpression, as the SDK reports it: the class when the SDK built the error,
// the name when a second copy of the SDK (or a test double) did.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

export const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
