// talos-validate checks Talos machine configs and talosconfigs with Talos' own machinery library
// (github.com/siderolabs/talos/pkg/machinery at the stacks' talosVersion). talosctl itself cannot
// be built from the Go module proxy here (its dependency github.com/siderolabs/go-kubernetes is not
// served), so this makes the same library calls `talosctl validate` makes:
//
//	talos-validate config FILE MODE [--strict]   configloader.NewFromFile, then Validate(mode, WithLocal[, WithStrict])
//	talos-validate talosconfig FILE              clientconfig.Open, then the current context's CA and
//	                                              client key pair decoded as the talosctl client does
//
// MODE is cloud, container, metal or metal-agent; only what validation reads of a mode matters
// (RequiresInstall: metal only; InContainer: container only).
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	clientconfig "github.com/siderolabs/talos/pkg/machinery/client/config"
	"github.com/siderolabs/talos/pkg/machinery/config/configloader"
	"github.com/siderolabs/talos/pkg/machinery/config/validation"
)

type mode string

func (m mode) String() string        { return string(m) }
func (m mode) RequiresInstall() bool { return m == "metal" }
func (m mode) InContainer() bool     { return m == "container" }

func validateConfig(file, modeName string, strict bool) error {
	switch modeName {
	case "cloud", "container", "metal", "metal-agent":
	default:
		return fmt.Errorf("unknown mode %q", modeName)
	}
	cfg, err := configloader.NewFromFile(file)
	if err != nil {
		return err
	}
	opts := []validation.Option{validation.WithLocal()}
	if strict {
		opts = append(opts, validation.WithStrict())
	}
	warnings, err := cfg.Validate(mode(modeName), opts...)
	for _, w := range warnings {
		fmt.Fprintf(os.Stderr, "warning: %s\n", w)
	}
	if err != nil {
		return err
	}
	fmt.Printf("%s is valid for %s mode\n", file, modeName)
	return nil
}

func validateTalosconfig(file string) error {
	if _, err := os.Stat(file); err != nil {
		return err // clientconfig.Open would create a missing file
	}
	cfg, err := clientconfig.Open(file)
	if err != nil {
		return err
	}
	ctx, ok := cfg.Contexts[cfg.Context]
	if !ok {
		return fmt.Errorf("current context %q is not defined", cfg.Context)
	}
	if len(ctx.Endpoints) == 0 {
		return errors.New("current context has no endpoints")
	}
	decode := func(name, value string) ([]byte, error) {
		b, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return b, nil
	}
	caPEM, err := decode("ca", ctx.CA)
	if err != nil {
		return err
	}
	crt, err := decode("crt", ctx.Crt)
	if err != nil {
		return err
	}
	key, err := decode("key", ctx.Key)
	if err != nil {
		return err
	}
	if _, err := tls.X509KeyPair(crt, key); err != nil {
		return fmt.Errorf("client certificate and key: %w", err)
	}
	block, _ := pem.Decode(caPEM)
	if block == nil {
		return errors.New("ca: no PEM block")
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	fmt.Printf("context %s: endpoints %v, nodes %v\n", cfg.Context, ctx.Endpoints, ctx.Nodes)
	return nil
}

func main() {
	args := os.Args[1:]
	var err error
	switch {
	case len(args) >= 3 && args[0] == "config":
		err = validateConfig(args[1], args[2], len(args) == 4 && args[3] == "--strict")
	case len(args) == 2 && args[0] == "talosconfig":
		err = validateTalosconfig(args[1])
	default:
		fmt.Fprintln(os.Stderr, "usage: talos-validate config FILE MODE [--strict] | talos-validate talosconfig FILE")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
