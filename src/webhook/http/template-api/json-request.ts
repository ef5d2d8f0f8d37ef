import type { IncomingMessage } from "node:http";
import { describeJsonSyntaxError, findJsonSyntaxError } from "../../../domain/templates/index.ts";
import { BodyTooLargeError, readBody } from "../read-body.ts";
import { badRequest, requestEntityTooLarge, unsupportedMediaType, type ApiError } from "./api-error.ts";

const JSON_MEDIA_TYPE = "application/json";
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Why the request's Content-Type/-Encoding cannot be read as JSON, or undefined when it can. */
function mediaTypeProblem(request: IncomingMessage): ApiError | undefined {
  const contentType = request.headers["content-type"];
  const [mediaType = "", ...parameters] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase());
  if (mediaType !== JSON_MEDIA_TYPE) {
    const got = contentType === undefined ? "no Content-Type" : "another Content-Type";
    return unsupportedMediaType(`the request body must be JSON, sent with Content-Type: ${JSON_MEDIA_TYPE}; got ${got}`);
  }
  const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/^"|"$/g, "");
  if (charset !== undefined && charset !== "utf-8") {
    return unsupportedMediaType("the request body must be UTF-8 (charset=utf-8, or no charset)");
  }
  const encoding = request.headers["content-encoding"];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    return unsupportedMediaType("the request body must not be compressed (no Content-Encoding)");
  }
  return undefined;
}

/**
 * The request body as a JSON value: read up to `limitBytes`, decoded as UTF-8 and parsed. Throws an
 * ApiError (415, 413, 400) that says what is wrong, where a syntax error is (line, column,
 * position), and never quotes the body.
 */
export async function readJsonRequest(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const problem = mediaTypeProblem(request);
  if (problem !== undefined) {
    request.resume();
    throw problem;
  }
  let bytes: Buffer;
  try {
    bytes = await readBody(request, limitBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw requestEntityTooLarge(limitBytes);
    throw badRequest("the request body could not be read");
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw badRequest("the request body is not valid UTF-8");
  }
  if (text.trim() === "") throw badRequest('the request body is empty; send a JSON object of template parameters, {} for all defaults');
  try {
    return JSON.parse(text);
  } catch {
    const syntax = findJsonSyntaxError(text);
    throw badRequest(`the request body is not valid JSON${syntax === undefined ? "" : `: ${describeJsonSyntaxError(syntax, text.length)}`}`);
  }
}
