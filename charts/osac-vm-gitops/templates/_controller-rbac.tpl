{{/*
The controller's rules, shared by its ClusterRole (cluster-wide) and its Roles (namespace-scoped,
controller.watchNamespaces). docs/adr/0013-helm-chart.md derives each from the code.
*/}}
{{- define "osac-vm-gitops.controllerOrderRules" -}}
- apiGroups: ["cloudkit.openshift.io"]
  resources: ["virtualmachines"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["cloudkit.openshift.io"]
  resources: ["virtualmachines/status"]
  verbs: ["patch"]
{{- end -}}

{{- define "osac-vm-gitops.controllerChildRules" -}}
- apiGroups: ["kubevirt.io"]
  resources: ["virtualmachines"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["kubevirt.io"]
  resources: ["virtualmachineinstances"]
  verbs: ["list", "watch"]
- apiGroups: ["cdi.kubevirt.io"]
  resources: ["datavolumes"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services", "secrets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
{{- end -}}

{{- /* Hubs (hubs.enabled): watched, their status written by the hub prober (src/hubs/hub-prober.ts). */ -}}
{{- define "osac-vm-gitops.controllerHubRules" -}}
{{- if .Values.hubs.enabled -}}
- apiGroups: ["gitops.cloudkit.openshift.io"]
  resources: ["hubs"]
  verbs: ["list", "watch"]
- apiGroups: ["gitops.cloudkit.openshift.io"]
  resources: ["hubs/status"]
  verbs: ["patch"]
{{- end }}
{{- end }}
