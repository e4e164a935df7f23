# kube-apiserver, kube-controller-manager and kubectl at the stacks' kubernetesVersion, for the live
# suite's control plane (tests/live/helpers/control-plane.ts). k8s.io/kubernetes requires its 33
# staging modules at v0.0.0 and resolves them in-tree, so a wrapper pins each to the matching
# v0.X.Y tag (pure version pins, no code change; toolchain notes §3). Modules outside the build
# graph ignore their replace.
build_kubernetes() {
  local version="$1" out="$2" staging m ld p minor
  minor="${version#v1.}"
  minor="${minor%%.*}"
  staging="v0.${version#v1.}"
  tc_wrapper kubernetes 1.26.0
  # The staging modules say `godebug default=go1.26`; keep the same defaults in the wrapper.
  printf '\ngodebug default=go1.26\n' >>go.mod
  tc_require "$TC_kubernetes_module" "$version"
  for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
    cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
    cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt \
    kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
    mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller streaming; do
    tc_replace "k8s.io/$m" "k8s.io/$m" "$staging"
  done
  tc_main_import "$TC_kubernetes_module/cmd/kube-apiserver" "$TC_kubernetes_module/cmd/kube-controller-manager" \
    "$TC_kubernetes_module/cmd/kubectl"
  # hack/lib/version.sh sets these in both packages. Without them /version says v0.0.0 and clients
  # that branch on the server version (pulumi-kubernetes) treat the cluster as Kubernetes 0.0.
  ld=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ld="$ld -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  for m in kube-apiserver kube-controller-manager kubectl; do
    tc_go_build "$out/bin/$m" "$TC_kubernetes_module/cmd/$m" "$ld" selinux,notest
  done
}

# `kubectl version --client -o json` has clientVersion.gitVersion "v1.36.1"; all three binaries
# report the same version, so each is asked with the flag it knows.
version_kubernetes() {
  case "$(basename "$1")" in
  kubectl) "$1" version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": *"\(v[^"]*\)".*/\1/p' | head -n 1 ;;
  *) "$1" --version 2>/dev/null | sed -n 's/^Kubernetes \(v[0-9][^ ]*\).*/\1/p' | head -n 1 ;;
  esac
}
