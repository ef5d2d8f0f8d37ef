{{/* Names, labels and shared fragments. */}}

{{- define "osac-vm-gitops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart>, or just <release> when it already contains the chart name. */}}
{{- define "osac-vm-gitops.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "osac-vm-gitops.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "osac-vm-gitops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: osac
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component: include with (dict "root" $ "component" "webhook"). */}}
{{- define "osac-vm-gitops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "osac-vm-gitops.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "osac-vm-gitops.componentLabels" -}}
{{ include "osac-vm-gitops.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "osac-vm-gitops.webhookName" -}}{{ include "osac-vm-gitops.fullname" . }}-webhook{{- end -}}
{{- define "osac-vm-gitops.controllerName" -}}{{ include "osac-vm-gitops.fullname" . }}-controller{{- end -}}
{{- define "osac-vm-gitops.committerName" -}}{{ include "osac-vm-gitops.fullname" . }}-committer{{- end -}}
{{- define "osac-vm-gitops.webhookServiceName" -}}{{ include "osac-vm-gitops.webhookName" . }}{{- end -}}
{{- define "osac-vm-gitops.tlsSecretName" -}}{{ include "osac-vm-gitops.fullname" . }}-webhook-tls{{- end -}}
{{- define "osac-vm-gitops.certificateName" -}}{{ include "osac-vm-gitops.fullname" . }}-webhook{{- end -}}

{{- define "osac-vm-gitops.webhookServiceAccountName" -}}
{{- default (include "osac-vm-gitops.webhookName" .) .Values.serviceAccounts.webhook.name -}}
{{- end -}}
{{- define "osac-vm-gitops.controllerServiceAccountName" -}}
{{- default (include "osac-vm-gitops.controllerName" .) .Values.serviceAccounts.controller.name -}}
{{- end -}}

{{- define "osac-vm-gitops.committerServiceAccountName" -}}
{{- default (include "osac-vm-gitops.committerName" .) .Values.serviceAccounts.committer.name -}}
{{- end -}}

{{/* The committer's Lease name is fixed in the code (src/gitops/committer/config.ts). */}}
{{- define "osac-vm-gitops.committerLeaseName" -}}osac-vm-committer{{- end -}}

{{/*
The Secret holding the sealing key for the controller's --config-version-key-file, as
{"name": …, "key": …}: controller.configVersionKey, else the committer's sealing key.
*/}}
{{- define "osac-vm-gitops.configVersionKey" -}}
{{- $own := .Values.controller.configVersionKey -}}
{{- $committer := .Values.committer -}}
{{- if $own.secret -}}
{{- dict "name" $own.secret "key" $own.key | toJson -}}
{{- else if and $committer.enabled $committer.sealing.enabled -}}
{{- dict "name" $committer.sealing.keySecret.name "key" $committer.sealing.keySecret.key | toJson -}}
{{- else -}}
{{- dict | toJson -}}
{{- end -}}
{{- end -}}

{{/* The Lease name is fixed in the code (src/controller/config.ts). */}}
{{- define "osac-vm-gitops.leaseName" -}}osac-vm-controller{{- end -}}

{{- define "osac-vm-gitops.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* DNS names of the webhook Service, as the API server dials it. */}}
{{- define "osac-vm-gitops.webhookDnsNames" -}}
{{- $svc := include "osac-vm-gitops.webhookServiceName" . -}}
{{- $ns := .Release.Namespace -}}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) | toJson -}}
{{- end -}}

{{/*
Namespaces no webhook ever sees: kube-system, the release's own (the webhook must be able to
restart without itself) and Argo CD's, plus extraExcludedNamespaces.
*/}}
{{- define "osac-vm-gitops.excludedNamespaces" -}}
{{- $list := list "kube-system" .Release.Namespace -}}
{{- with .Values.admission.argoCdNamespace }}{{- $list = append $list . -}}{{- end -}}
{{- range .Values.admission.extraExcludedNamespaces }}{{- $list = append $list . -}}{{- end -}}
{{- $list | uniq | toJson -}}
{{- end -}}

{{/*
namespaceSelector of a webhook: include with (dict "root" $ "matchLabels" (dict ...)).
*/}}
{{- define "osac-vm-gitops.namespaceSelector" -}}
{{- $root := .root -}}
{{- $labels := merge (deepCopy (default dict .matchLabels)) (deepCopy (default dict $root.Values.admission.namespaceSelector.matchLabels)) -}}
{{- $expressions := list (dict "key" "kubernetes.io/metadata.name" "operator" "NotIn" "values" (include "osac-vm-gitops.excludedNamespaces" $root | fromJsonArray)) -}}
{{- range $root.Values.admission.namespaceSelector.matchExpressions }}{{- $expressions = append $expressions . -}}{{- end -}}
namespaceSelector:
  {{- with $labels }}
  matchLabels:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  matchExpressions:
    {{- toYaml $expressions | nindent 4 }}
{{- end -}}

{{/* The caBundle (base64 PEM) for self-signed mode; empty with cert-manager (injected). */}}
{{- define "osac-vm-gitops.caBundle" -}}
{{- if eq .Values.certificates.mode "self-signed" -}}
{{- $tls := include "osac-vm-gitops.selfSignedTLS" . | fromJson -}}
{{- $tls.bundle | b64enc -}}
{{- end -}}
{{- end -}}

{{- define "osac-vm-gitops.injectCaAnnotation" -}}
{{- if eq .Values.certificates.mode "cert-manager" -}}
cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "osac-vm-gitops.certificateName" .) }}
{{- end -}}
{{- end -}}

{{/* Pod-level scheduling and security shared by both Deployments: (dict "root" $ "values" .Values.webhook). */}}
{{- define "osac-vm-gitops.podCommon" -}}
{{- $root := .root -}}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Egress rules of both NetworkPolicies: DNS plus networkPolicy.egress. */}}
{{- define "osac-vm-gitops.egress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{ toYaml .Values.networkPolicy.egress }}
{{- end -}}

{{/*
The only rule of the order webhooks: the project's CRD, named at its storage version v1alpha1 only.
With matchPolicy: Equivalent the API server converts a v1beta1 request to v1alpha1 (through the
conversion webhook) and sends that, so every order is checked by the same decisions; naming v1beta1
too would send v1beta1 objects, which the decisions do not read (they would pass unchecked).
*/}}
{{- define "osac-vm-gitops.orderRule" -}}
- apiGroups: ["cloudkit.openshift.io"]
  apiVersions: ["v1alpha1"]
  resources: ["virtualmachines"]
  operations: ["CREATE", "UPDATE"]
  scope: Namespaced
{{- end -}}

{{- define "osac-vm-gitops.ssvirtName" -}}{{ include "osac-vm-gitops.fullname" . }}-ssvirt{{- end -}}
{{- define "osac-vm-gitops.ssvirtServiceAccountName" -}}
{{- default (include "osac-vm-gitops.ssvirtName" .) .Values.serviceAccounts.ssvirt.name -}}
{{- end -}}
{{/* The SSVirt controller's Lease name is fixed in the code (src/ssvirt/controller/config.ts). */}}
{{- define "osac-vm-gitops.ssvirtLeaseName" -}}osac-vm-ssvirt{{- end -}}
