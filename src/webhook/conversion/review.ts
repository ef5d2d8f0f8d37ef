import { convertObject } from "../../api/conversion/convert.ts";
import { ConversionError } from "../../api/conversion/errors.ts";
import { isRecord } from "../../api/conversion/json-value.ts";

const REVIEW_API_VERSIONS: readonly string[] = ["apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"];
const REVIEW_KIND = "ConversionReview";

export interface ConversionReviewAnswer {
  /** 200 for every well-formed review, converted or not; 400 for a body that is not a ConversionReview. */
  readonly status: number;
  readonly body: object;
  /** Objects converted, for the metrics; absent when none was. */
  readonly convertedCount?: number;
}

/**
 * Answers a `ConversionReview` (apiextensions.k8s.io/v1) as kube-apiserver sends it to
 * `/convert`: the same number of objects, in the same order, in `request.desiredAPIVersion`. One
 * object that cannot be converted fails the whole review (`result.status: Failure`, HTTP 200) with
 * a message naming it; a body that is not a ConversionReview is answered with HTTP 400 and the
 * reason. Never throws.
 */
export function reviewConversion(body: unknown): ConversionReviewAnswer {
  if (!isRecord(body)) return badRequest("body must be a ConversionReview object");
  const apiVersion = body.apiVersion ?? REVIEW_API_VERSIONS[0];
  if (typeof apiVersion !== "string" || !REVIEW_API_VERSIONS.includes(apiVersion)) {
    return badRequest(`apiVersion must be ${REVIEW_API_VERSIONS.join(" or ")}`);
  }
  if (body.kind !== undefined && body.kind !== REVIEW_KIND) return badRequest(`kind must be ${REVIEW_KIND}`);
  const { request } = body;
  if (!isRecord(request)) return badRequest("body is not a ConversionReview: request is missing");
  const { uid, desiredAPIVersion, objects } = request;
  if (typeof uid !== "string" || uid === "") return badRequest("body is not a ConversionReview: request.uid must be a non-empty string");
  if (typeof desiredAPIVersion !== "string") {
    return badRequest("body is not a ConversionReview: request.desiredAPIVersion must be a string");
  }
  if (!Array.isArray(objects)) return badRequest("body is not a ConversionReview: request.objects must be an array");

  const review = (response: object) => ({ apiVersion, kind: REVIEW_KIND, response: { uid, ...response } });
  const convertedObjects: object[] = new Array(objects.length);
  for (let index = 0; index < objects.length; index++) {
    const object: unknown = objects[index];
    try {
      convertedObjects[index] = convertObject(object, desiredAPIVersion);
    } catch (error) {
      const message = `cannot convert ${describe(object, index)} to ${desiredAPIVersion}: ${reason(error)}`;
      return { status: 200, body: review({ result: { status: "Failure", message } }) };
    }
  }
  return {
    status: 200,
    body: review({ convertedObjects, result: { status: "Success" } }),
    ...(objects.length > 0 ? { convertedCount: objects.length } : {}),
  };
}

function badRequest(reason: string): ConversionReviewAnswer {
  return { status: 400, body: { error: reason } };
}

/** `VirtualMachine ns/name (objects[2])`: what the API server's log and the client's error show. */
function describe(object: unknown, index: number): string {
  const position = `objects[${index}]`;
  if (!isRecord(object)) return position;
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const kind = typeof object.kind === "string" ? object.kind : "object";
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const namespace = typeof metadata.namespace === "string" && metadata.namespace !== "" ? `${metadata.namespace}/` : "";
  return name === "" ? `${kind} ${position}` : `${kind} ${namespace}${name} (${position})`;
}

function reason(error: unknown): string {
  if (error instanceof ConversionError) return error.message;
  // A bug, not bad input: still answered in the protocol, so the API server shows why.
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}
