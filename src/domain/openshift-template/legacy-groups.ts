/**
 * library-go `legacygroupification.oapiKindsToGroup`: kinds OpenShift once served from the
 * group-less `v1` API. `Process` moves such an object to its group (`v1` Route becomes
 * `route.openshift.io/v1`); core kinds are not in the table and stay as they are.
 */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  "apps.openshift.io": ["DeploymentConfigRollback", "DeploymentConfig", "DeploymentConfigList", "DeploymentLog", "DeploymentRequest"],
  "authorization.openshift.io": [
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "ClusterRole",
    "ClusterRoleList",
    "RoleBindingRestriction",
    "RoleBindingRestrictionList",
    "RoleBinding",
    "RoleBindingList",
    "Role",
    "RoleList",
    "SubjectRulesReview",
    "SelfSubjectRulesReview",
    "ResourceAccessReview",
    "LocalResourceAccessReview",
    "SubjectAccessReview",
    "LocalSubjectAccessReview",
  ],
  "build.openshift.io": ["BuildConfig", "BuildConfigList", "Build", "BuildList", "BinaryBuildRequestOptions", "BuildLog", "BuildRequest"],
  "image.openshift.io": [
    "Image",
    "ImageList",
    "ImageSignature",
    "ImageStreamImage",
    "ImageStreamImport",
    "ImageStreamMapping",
    "ImageStream",
    "ImageStreamList",
    "ImageStreamTag",
    "ImageStreamTagList",
  ],
  "network.openshift.io": [
    "ClusterNetwork",
    "ClusterNetworkList",
    "EgressNetworkPolicy",
    "EgressNetworkPolicyList",
    "HostSubnet",
    "HostSubnetList",
    "NetNamespace",
    "NetNamespaceList",
  ],
  "oauth.openshift.io": [
    "OAuthAccessToken",
    "OAuthAccessTokenList",
    "OAuthAuthorizeToken",
    "OAuthAuthorizeTokenList",
    "OAuthClientAuthorization",
    "OAuthClientAuthorizationList",
    "OAuthClient",
    "OAuthClientList",
  ],
  "project.openshift.io": ["Project", "ProjectList", "ProjectRequest"],
  "quota.openshift.io": ["ClusterResourceQuota", "ClusterResourceQuotaList", "AppliedClusterResourceQuota", "AppliedClusterResourceQuotaList"],
  "route.openshift.io": ["Route", "RouteList"],
  "security.openshift.io": [
    "SecurityContextConstraints",
    "SecurityContextConstraintsList",
    "PodSecurityPolicySubjectReview",
    "PodSecurityPolicySelfSubjectReview",
    "PodSecurityPolicyReview",
  ],
  "template.openshift.io": ["Template", "TemplateList"],
  "user.openshift.io": ["Group", "GroupList", "Identity", "IdentityList", "UserIdentityMapping", "User", "UserList"],
};

const GROUP_OF_KIND: ReadonlyMap<string, string> = new Map(
  Object.entries(GROUPS).flatMap(([group, kinds]) => kinds.map((kind) => [kind, group] as const)),
);

export function legacyKindGroup(kind: string): string | undefined {
  return GROUP_OF_KIND.get(kind);
}
