export { computeOrderStatus, agreedConfigVersion } from "./compute-order-status.ts";
export { statusEqual } from "./status-equal.ts";
export { toDatabaseRow, powerStatusOf, type StatusObservation } from "./database-row.ts";
export { mergeConditions, toConditionReason, toMetaTime, findCondition, type ConditionValue } from "./conditions.ts";
export { reachableAddresses } from "./addresses.ts";
export {
  PRINTABLE_STATUSES,
  PRINTABLE_STATUS_TABLE,
  fulfillmentStateFor,
  isPrintableStatus,
  mapPrintableStatus,
  operatorPhaseFor,
  powerStatusFor,
  type OperatorPhase,
  type PrintableStatus,
  type PrintableStatusMapping,
} from "./printable-status.ts";
export * from "./order-status.ts";
