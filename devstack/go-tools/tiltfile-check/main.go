// Command tiltfile-check evaluates a Tiltfile without Tilt and without a cluster, and prints
// what it declares as JSON: the Kubernetes objects grouped into resources the way Tilt
// groups them, the images with their live_update steps, port forwards, resource
// dependencies and labels. It exists because Tilt's module (github.com/tilt-dev/tilt) is
// refused by the Go module proxy this project can reach, so `tilt alpha tiltfile-result`
// cannot be built here (../README.md).
//
// It runs the Tiltfile with go.starlark.net, the interpreter and dialect Tilt uses, and
// implements the part of Tilt's API this repository's Tiltfile calls (builtins.go). A call
// outside that part fails as an undefined name: extend builtins.go, do not guess. It stops
// where Tilt would stop (exit 5, with file:line where there is one): an unknown workload
// or resource, an objects= fragment that matches no object or several, an object claimed
// twice, a live_update whose steps are out of order or sync a path outside the build
// context, a kube context neither local nor allowed. It builds no image, applies nothing
// and runs no live_update step.
//
// Usage:
//
//	tiltfile-check [-f Tiltfile] [--context kind-ticketing] [--stub-local 'SUBSTRING=FILE']... [--no-exec]
//
// local() runs its command in the Tiltfile's folder as Tilt does, unless a --stub-local
// SUBSTRING occurs in the command: then it returns FILE's content (--no-exec makes an
// unmatched local() an error). Exit codes follow `tilt alpha tiltfile-result`: 0 printed,
// 1 bad invocation, 5 Tiltfile error. test/k8s/tiltfile.test.ts is its test.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

type stubFlags []string

func (s *stubFlags) String() string     { return strings.Join(*s, ",") }
func (s *stubFlags) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("tiltfile-check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	file := flags.String("f", "Tiltfile", "path to the Tiltfile")
	kubeContext := flags.String("context", "", "check this kube context against allow_k8s_contexts, as tilt up --context would")
	noExec := flags.Bool("no-exec", false, "never run local() commands; an unstubbed local() is an error")
	var stubs stubFlags
	flags.Var(&stubs, "stub-local", "SUBSTRING=FILE: a local() whose command contains SUBSTRING returns FILE's content instead of running (repeatable)")
	if err := flags.Parse(args); err != nil {
		return 1
	}

	abs, err := filepath.Abs(*file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	st := &state{dir: filepath.Dir(abs), noExec: *noExec, settings: map[string]any{}}
	for _, kv := range stubs {
		substring, path, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintln(stderr, "--stub-local wants SUBSTRING=FILE")
			return 1
		}
		st.stubs = append(st.stubs, stub{substring, path})
	}

	thread := &starlark.Thread{Name: "Tiltfile", Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(stderr, msg) }}
	// The dialect Tilt enables (tiltfile/internal/starkit).
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}
	if _, err := starlark.ExecFileOptions(opts, thread, abs, src, st.builtins()); err != nil {
		var evalErr *starlark.EvalError
		if errors.As(err, &evalErr) {
			fmt.Fprintln(stderr, evalErr.Backtrace())
		} else {
			fmt.Fprintln(stderr, err)
		}
		return 5
	}
	result, err := st.assemble(*kubeContext)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 5
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(result); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
