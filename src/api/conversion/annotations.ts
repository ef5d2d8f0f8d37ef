/**
 * The annotations conversion uses to carry what one version cannot express in the other
 * (docs/adr/0006-v1beta1-and-conversion.md). Both are reserved: conversion removes them from every
 * object it is given and adds them back only when needed, so they never pile up.
 */
export const ConversionAnnotations = {
  /**
   * On v1beta1 objects: the v1alpha1 `spec.templateParameters` string exactly as stored, when the
   * canonical serialisation of the typed fields would not reproduce it byte for byte.
   */
  v1alpha1TemplateParameters: "cloudkit.openshift.io/v1alpha1-template-parameters",
  /**
   * On v1alpha1 objects (so in etcd): the JSON of v1beta1's `spec.virtualMachine` and
   * `spec.templateParameters`, when the v1alpha1 string cannot carry them exactly.
   */
  v1beta1Parameters: "cloudkit.openshift.io/v1beta1-parameters",
} as const;

export const CONVERSION_ANNOTATION_KEYS: readonly string[] = Object.freeze(Object.values(ConversionAnnotations));
