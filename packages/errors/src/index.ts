export type {
  AppErrorCodeValue,
  ErrorCodeInfo,
  ErrorEra,
  JsonRpcErrorCodeValue,
} from './codes.js';
export {
  AppErrorCode,
  describeErrorCode,
  errorCatalog,
  isReservedCode,
  JsonRpcErrorCode,
} from './codes.js';
export type { RateLimitedErrorOptions, RunwayErrorOptions } from './errors.js';
export {
  ForbiddenError,
  HeaderMismatchError,
  InternalError,
  InvalidParamsError,
  InvalidRequestError,
  MethodNotAllowedError,
  MethodNotFoundError,
  NotAcceptableError,
  NotFoundError,
  ParseError,
  PayloadTooLargeError,
  RateLimitedError,
  RequestTimeoutError,
  RunwayError,
  ServiceUnavailableError,
  ToolError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UnsupportedProtocolVersionError,
} from './errors.js';
export type { ErrorResponse, JsonRpcErrorBody, JsonRpcId, ToolErrorResult } from './serialize.js';
export { jsonRpcErrorBody, toErrorResponse, toToolErrorResult } from './serialize.js';
