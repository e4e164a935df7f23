# SeaweedFS (Apache-2.0): the S3 server of the live suite, in place of MinIO (AGPL, unmaintained).
# Chosen over versitygw because versitygw answers NotImplemented to Put/GetBucketLifecycle
# (s3api/router.go at v1.8.0), and our buckets carry a lifecycle rule; SeaweedFS stores and returns
# lifecycle XML, expires noncurrent versions (lifecycle worker), versions buckets and serves
# path-style requests. Its release tags (4.53) are not semver, so Go knows it only by
# pseudo-version (`moduleVersion`); `version` is what `weed version` reports.
# Its go.mod replaces go-bip39 with the cosmos fork (a moved repository); the wrapper repeats it.
build_seaweedfs() {
  local version="$1" out="$2"
  tc_wrapper seaweedfs 1.26.6
  tc_require "$TC_seaweedfs_module" "$TC_seaweedfs_moduleVersion"
  tc_replace github.com/tyler-smith/go-bip39 github.com/cosmos/go-bip39 v1.0.0
  tc_main_import "$TC_seaweedfs_module/weed"
  # The version number is a constant in weed/util/version; only the commit is an -X variable.
  tc_go_build "$out/bin/weed" "$TC_seaweedfs_module/weed" \
    "-X github.com/seaweedfs/seaweedfs/weed/util/version.COMMIT=${TC_seaweedfs_moduleVersion##*-}"
}

# `weed version` prints "version 30GB 4.53 <commit> linux amd64".
version_seaweedfs() {
  "$1" version 2>/dev/null | grep -o ' [0-9][0-9]*\.[0-9][0-9]* ' | head -n 1 | tr -d ' '
}
