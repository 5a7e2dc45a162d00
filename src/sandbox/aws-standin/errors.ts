/**
 * AWS service errors as the stand-in throws them internally. Each protocol module renders them the way the
 * real service does on the wire, so the SDK turns them into its own exception classes:
 * - REST-JSON (Access Analyzer): status code + `x-amzn-errortype: <Name>` + `{"message": ...}` body.
 * - AWS JSON 1.0 with query compatibility (SQS): `{"__type": "com.amazonaws.sqs#<Name>", "message": ...}`
 *   plus `x-amzn-query-error: <legacy query code>;Sender|Receiver`.
 */
export class AwsError extends Error {
  override readonly name: string;

  constructor(
    name: string,
    readonly status: number,
    message: string,
    /** Extra modelled members of the error shape, e.g. `resourceId` / `reason` / `fieldList`. */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = name;
  }
}

/** What `failNext` accepts: just enough to describe any AWS error. */
export interface InjectedError {
  name: string;
  status: number;
  message?: string;
}

export function fromInjected(error: InjectedError): AwsError {
  return new AwsError(
    error.name,
    error.status,
    error.message ?? `${error.name} injected by the AWS stand-in`,
  );
}

/** Access Analyzer `ValidationException` (400) with its `reason` member. */
export function validationError(message: string, reason = 'fieldValidationFailed'): AwsError {
  return new AwsError('ValidationException', 400, message, { reason });
}

/** Access Analyzer `ResourceNotFoundException` (404) with `resourceId` / `resourceType`. */
export function resourceNotFound(resourceId: string, resourceType: string): AwsError {
  return new AwsError('ResourceNotFoundException', 404, `${resourceType} ${resourceId} was not found`, {
    resourceId,
    resourceType,
  });
}
