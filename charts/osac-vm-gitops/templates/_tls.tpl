{{/*
Self-signed serving certificates (certificates.mode: self-signed), computed once per render and
shared by the Secret, the CRD and the webhook configurations (cached in .Values.__osacVmTls; every
template of the chart sees the same .Values map). Returns JSON:
{caCert, caKey, cert, key, bundle, annotations}.

Kept stable across `helm upgrade` by `lookup` of the existing Secret:
- no Secret (install, or `helm template`): a new CA and serving certificate;
- caRotation changed, or the CA within renewBeforeDays of expiry: a new CA and serving
  certificate; the bundle holds the new CA and the previous one (both trusted during the rollout);
- servingRotation changed, the serving certificate within renewBeforeDays of expiry, or its DNS
  names changed: a new serving certificate from the same CA; the bundle is unchanged;
- otherwise everything is reused byte for byte.
The expiry dates are kept in annotations (Unix seconds) because templates cannot parse
certificates.
*/}}
{{- define "osac-vm-gitops.selfSignedTLS" -}}
{{- if not (hasKey .Values "__osacVmTls") -}}
{{- $cfg := .Values.certificates.selfSigned -}}
{{- $prefix := "osac-vm-gitops.cloudkit.openshift.io/" -}}
{{- $svc := include "osac-vm-gitops.webhookServiceName" . -}}
{{- $dnsNames := include "osac-vm-gitops.webhookDnsNames" . | fromJsonArray -}}
{{- $dnsKey := join "," $dnsNames -}}
{{- $now := now | unixEpoch | atoi -}}
{{- $renewBy := add $now (mul (int $cfg.renewBeforeDays) 86400) -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "osac-vm-gitops.tlsSecretName" .) -}}
{{- $data := dict -}}
{{- $ann := dict -}}
{{- if $existing -}}
{{- $data = default dict $existing.data -}}
{{- $ann = default dict $existing.metadata.annotations -}}
{{- end -}}
{{- $complete := and (hasKey $data "ca.crt") (hasKey $data "ca.key") (hasKey $data "tls.crt") (hasKey $data "tls.key") -}}
{{- $caNotAfter := get $ann (printf "%sca-not-after" $prefix) | default "0" | atoi -}}
{{- $certNotAfter := get $ann (printf "%sserving-not-after" $prefix) | default "0" | atoi -}}
{{- $newCA := or (not $complete) (ne (get $ann (printf "%sca-rotation" $prefix)) (toString $cfg.caRotation)) (lt $caNotAfter $renewBy) -}}
{{- $ca := dict -}}
{{- $bundle := "" -}}
{{- if $newCA -}}
{{- $ca = genCA "osac-vm-gitops webhook CA" (int $cfg.caValidityDays) -}}
{{- $caNotAfter = add $now (mul (int $cfg.caValidityDays) 86400) -}}
{{- $bundle = $ca.Cert -}}
{{- if $complete -}}
{{- $bundle = printf "%s\n%s" (trimSuffix "\n" $ca.Cert) (b64dec (get $data "ca.crt")) -}}
{{- end -}}
{{- else -}}
{{- $ca = buildCustomCert (get $data "ca.crt") (get $data "ca.key") -}}
{{- $bundle = b64dec (get $data "ca-bundle.crt" | default (get $data "ca.crt")) -}}
{{- end -}}
{{- $newCert := or $newCA (ne (get $ann (printf "%sserving-rotation" $prefix)) (toString $cfg.servingRotation)) (lt $certNotAfter $renewBy) (ne (get $ann (printf "%sdns-names" $prefix)) $dnsKey) -}}
{{- $cert := "" -}}
{{- $key := "" -}}
{{- if $newCert -}}
{{- $leaf := genSignedCert $svc nil $dnsNames (int $cfg.servingValidityDays) $ca -}}
{{- $cert = $leaf.Cert -}}
{{- $key = $leaf.Key -}}
{{- $certNotAfter = add $now (mul (int $cfg.servingValidityDays) 86400) -}}
{{- else -}}
{{- $cert = b64dec (get $data "tls.crt") -}}
{{- $key = b64dec (get $data "tls.key") -}}
{{- end -}}
{{- $annotations := dict
      (printf "%sca-rotation" $prefix) (toString $cfg.caRotation)
      (printf "%sserving-rotation" $prefix) (toString $cfg.servingRotation)
      (printf "%sca-not-after" $prefix) (toString $caNotAfter)
      (printf "%sserving-not-after" $prefix) (toString $certNotAfter)
      (printf "%sdns-names" $prefix) $dnsKey -}}
{{- $_ := set .Values "__osacVmTls" (dict "caCert" $ca.Cert "caKey" $ca.Key "cert" $cert "key" $key "bundle" $bundle "annotations" $annotations) -}}
{{- end -}}
{{- toJson (get .Values "__osacVmTls") -}}
{{- end -}}
