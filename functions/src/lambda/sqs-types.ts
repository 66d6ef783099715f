/** The parts of the SQS Lambda event Sextant uses (no @types/aws-lambda dependency). */
export interface SQSEvent {
  Records: { messageId: string; body: string; attributes?: Record<string, string> }[];
}
export interface SQSBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
