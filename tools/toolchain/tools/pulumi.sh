# The Pulumi CLI from pkg/v3 at the pinned release (the newest the Go proxy serves that is not older
# than the @pulumi/pulumi SDK in package-lock.json; a newer engine runs an older SDK). pkg/v3's
# replaces are the local sdk (required at the same release instead) and a Windows-only clipboard
# fork, so the wrapper needs none. Flags as upstream's goreleaser: osusergo,grpcnotrace, and the
# version variable, without which `pulumi version` is empty and requiredPulumiVersion is not checked.
build_pulumi() {
  local version="$1" out="$2"
  tc_wrapper pulumi
  tc_require "$TC_pulumi_module" "$version" github.com/pulumi/pulumi/sdk/v3 "$version"
  tc_main_import "$TC_pulumi_module/cmd/pulumi"
  tc_go_build "$out/bin/pulumi" "$TC_pulumi_module/cmd/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" osusergo,grpcnotrace
}

version_pulumi() {
  PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -n 1
}
