// tiltfile-check evaluates a Tiltfile without Tilt and without a cluster and prints what it
// declares as JSON: the Kubernetes objects grouped into resources the way Tilt groups them,
// images, port forwards, resource dependencies and labels. It exists because the Tilt
// module (github.com/tilt-dev/tilt) is not served by the Go module proxy this project can
// reach, so `tilt alpha tiltfile-result` cannot be built here; see ../README.md.
//
// It implements the subset of the Tiltfile API that this repository's Tiltfile uses (plus a
// few neighbours) with the same Starlark dialect, and reports the mistakes Tilt itself would
// stop on: an unknown workload in k8s_resource, an objects= selector that matches nothing or
// more than one object, an object claimed twice, a resource_deps entry naming no resource, a
// kube context that allow_k8s_contexts does not allow. Anything else is out of scope: it does
// not build images, apply manifests or run live_update steps.
//
// Usage:
//
//	tiltfile-check [-f Tiltfile] [--context kind-ticketing]
//	               [--stub-local 'SUBSTRING=FILE']... [--no-exec]
//
// local() runs its command with sh -c in the Tiltfile's folder, as Tilt does, unless a
// --stub-local SUBSTRING matches the command: then FILE's content is returned instead
// (--no-exec turns an unmatched local() into an error). Exit codes follow
// `tilt alpha tiltfile-result`: 0 printed, 1 setup failure, 5 Tiltfile error.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
	"gopkg.in/yaml.v3"
)

type stubs []string

func (s *stubs) String() string     { return strings.Join(*s, ",") }
func (s *stubs) Set(v string) error { *s = append(*s, v); return nil }

// object is one Kubernetes object from k8s_yaml().
type object struct {
	Kind, Name, Namespace string
	Body                  map[string]any
	claimed               string // resource that owns it
}

func (o *object) selector() string {
	s := o.Name + ":" + strings.ToLower(o.Kind)
	if o.Namespace != "" {
		s += ":" + o.Namespace
	}
	return s
}

type resourceCall struct {
	Workload, NewName     string
	Objects, Deps, Labels []string
	PortForwards          []string
	pos                   string
}

type image struct {
	Ref        string   `json:"ref"`
	Context    string   `json:"context"`
	Target     string   `json:"target,omitempty"`
	Only       []string `json:"only,omitempty"`
	LiveUpdate int      `json:"live_update_steps"`
	used       bool
}

type state struct {
	dir       string
	stubs     map[string]string
	stubOrder []string
	noExec    bool
	objects   []*object
	calls     []resourceCall
	images    []*image
	watched   []string
	localCmds []string
	allowCtx  []string
	settings  map[string]string
	localRes  []map[string]any
	prints    []string
}

var workloadKinds = map[string]bool{
	"Deployment": true, "ReplicaSet": true, "StatefulSet": true, "DaemonSet": true,
	"Job": true, "CronJob": true, "Pod": true, "ReplicationController": true,
}

// ---------------------------------------------------------------- starlark helpers

type blob struct{ s string }

func (b blob) String() string        { return b.s }
func (b blob) Type() string          { return "blob" }
func (b blob) Freeze()               {}
func (b blob) Truth() starlark.Bool  { return b.s != "" }
func (b blob) Hash() (uint32, error) { return starlark.String(b.s).Hash() }

func toGo(v starlark.Value) any {
	switch x := v.(type) {
	case starlark.NoneType:
		return nil
	case starlark.Bool:
		return bool(x)
	case starlark.Int:
		i, _ := x.Int64()
		return i
	case starlark.Float:
		return float64(x)
	case starlark.String:
		return string(x)
	case blob:
		return x.s
	case *starlark.List:
		out := []any{}
		for i := 0; i < x.Len(); i++ {
			out = append(out, toGo(x.Index(i)))
		}
		return out
	case starlark.Tuple:
		out := []any{}
		for _, e := range x {
			out = append(out, toGo(e))
		}
		return out
	case *starlark.Dict:
		out := map[string]any{}
		for _, kv := range x.Items() {
			k, ok := starlark.AsString(kv[0])
			if !ok {
				k = kv[0].String()
			}
			out[k] = toGo(kv[1])
		}
		return out
	}
	return v.String()
}

func fromGo(v any) starlark.Value {
	switch x := v.(type) {
	case nil:
		return starlark.None
	case bool:
		return starlark.Bool(x)
	case int:
		return starlark.MakeInt(x)
	case int64:
		return starlark.MakeInt64(x)
	case uint64:
		return starlark.MakeUint64(x)
	case float64:
		return starlark.Float(x)
	case string:
		return starlark.String(x)
	case []any:
		l := make([]starlark.Value, 0, len(x))
		for _, e := range x {
			l = append(l, fromGo(e))
		}
		return starlark.NewList(l)
	case map[string]any:
		d := starlark.NewDict(len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			_ = d.SetKey(starlark.String(k), fromGo(x[k]))
		}
		return d
	}
	return starlark.String(fmt.Sprint(v))
}

// strList accepts a string, a blob or a list/tuple of them.
func strList(v starlark.Value) ([]string, error) {
	if v == nil || v == starlark.None {
		return nil, nil
	}
	if s, ok := starlark.AsString(v); ok {
		return []string{s}, nil
	}
	if b, ok := v.(blob); ok {
		return []string{b.s}, nil
	}
	it, ok := v.(starlark.Iterable)
	if !ok {
		return nil, fmt.Errorf("want a string or a list of strings, got %s", v.Type())
	}
	var out []string
	iter := it.Iterate()
	defer iter.Done()
	var e starlark.Value
	for iter.Next(&e) {
		switch x := e.(type) {
		case starlark.String:
			out = append(out, string(x))
		case starlark.Int:
			out = append(out, x.String())
		case blob:
			out = append(out, x.s)
		default:
			out = append(out, e.String())
		}
	}
	return out, nil
}

func decodeYAML(text string) ([]any, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var docs []any
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			docs = append(docs, normalize(doc))
		}
	}
	return docs, nil
}

// normalize turns yaml.v3's map[string]interface{} / int into the types fromGo knows.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case map[any]any:
		m := map[string]any{}
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case int:
		return int64(x)
	}
	return v
}

// ---------------------------------------------------------------- builtins

func (st *state) builtins() starlark.StringDict {
	b := func(name string, fn func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)) *starlark.Builtin {
		return starlark.NewBuiltin(name, fn)
	}
	noop := func(name string) *starlark.Builtin {
		return b(name, func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return starlark.None, nil
		})
	}
	// live_update steps: kept as opaque structs
	step := func(name string) *starlark.Builtin {
		return b(name, func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			return starlarkstruct.FromStringDict(starlark.String(name), starlark.StringDict{"args": starlark.Tuple(args)}), nil
		})
	}
	return starlark.StringDict{
		"allow_k8s_contexts": b("allow_k8s_contexts", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var v starlark.Value
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "contexts", &v); err != nil {
				return nil, err
			}
			l, err := strList(v)
			st.allowCtx = append(st.allowCtx, l...)
			return starlark.None, err
		}),
		"update_settings": b("update_settings", func(_ *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			for _, kv := range kw {
				st.settings[string(kv[0].(starlark.String))] = kv[1].String()
			}
			return starlark.None, nil
		}),
		"watch_file": b("watch_file", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var p string
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "path", &p); err != nil {
				return nil, err
			}
			if _, err := os.Stat(filepath.Join(st.dir, p)); err != nil {
				return nil, fmt.Errorf("watch_file: %w", err)
			}
			st.watched = append(st.watched, p)
			return starlark.None, nil
		}),
		"local": b("local", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var cmdV starlark.Value
			var quiet, echoOff bool
			var env *starlark.Dict
			var dir string
			var cmdBat starlark.Value
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "command", &cmdV, "quiet?", &quiet,
				"command_bat?", &cmdBat, "echo_off?", &echoOff, "env?", &env, "dir?", &dir); err != nil {
				return nil, err
			}
			parts, err := strList(cmdV)
			if err != nil {
				return nil, err
			}
			cmd := strings.Join(parts, " ")
			st.localCmds = append(st.localCmds, cmd)
			for _, k := range st.stubOrder {
				if strings.Contains(cmd, k) {
					data, err := os.ReadFile(st.stubs[k])
					if err != nil {
						return nil, fmt.Errorf("local: stub for %q: %w", k, err)
					}
					return blob{string(data)}, nil
				}
			}
			if st.noExec {
				return nil, fmt.Errorf("local(%q): not run (--no-exec and no --stub-local matches)", cmd)
			}
			c := exec.Command("sh", "-c", cmd)
			if len(parts) > 1 {
				c = exec.Command(parts[0], parts[1:]...)
			}
			c.Dir = st.dir
			if dir != "" {
				c.Dir = filepath.Join(st.dir, dir)
			}
			c.Env = os.Environ()
			if env != nil {
				for _, kv := range env.Items() {
					k, _ := starlark.AsString(kv[0])
					v, _ := starlark.AsString(kv[1])
					c.Env = append(c.Env, k+"="+v)
				}
			}
			var out bytes.Buffer
			c.Stdout = &out
			c.Stderr = os.Stderr
			if err := c.Run(); err != nil {
				return nil, fmt.Errorf("local(%q): %w", cmd, err)
			}
			return blob{out.String()}, nil
		}),
		"blob": b("blob", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var s string
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "input", &s); err != nil {
				return nil, err
			}
			return blob{s}, nil
		}),
		"read_file": b("read_file", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var p string
			var def starlark.Value
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "file_path", &p, "default?", &def); err != nil {
				return nil, err
			}
			data, err := os.ReadFile(filepath.Join(st.dir, p))
			if err != nil {
				if def != nil && def != starlark.None {
					s, _ := starlark.AsString(def)
					return blob{s}, nil
				}
				return nil, err
			}
			st.watched = append(st.watched, p)
			return blob{string(data)}, nil
		}),
		"decode_yaml_stream": b("decode_yaml_stream", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var v starlark.Value
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "yaml", &v); err != nil {
				return nil, err
			}
			s, _ := strList(v)
			docs, err := decodeYAML(strings.Join(s, "\n"))
			if err != nil {
				return nil, fmt.Errorf("decode_yaml_stream: %w", err)
			}
			return fromGo(docs), nil
		}),
		"decode_yaml": b("decode_yaml", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var v starlark.Value
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "yaml", &v); err != nil {
				return nil, err
			}
			s, _ := strList(v)
			docs, err := decodeYAML(strings.Join(s, "\n"))
			if err != nil || len(docs) != 1 {
				return nil, fmt.Errorf("decode_yaml: want exactly one document (%v)", err)
			}
			return fromGo(docs[0]), nil
		}),
		"k8s_yaml": b("k8s_yaml", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var v starlark.Value
			var allowDup bool
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "yaml", &v, "allow_duplicates?", &allowDup); err != nil {
				return nil, err
			}
			var texts []string
			add := func(x starlark.Value) error {
				switch y := x.(type) {
				case blob:
					texts = append(texts, y.s)
				case starlark.String:
					data, err := os.ReadFile(filepath.Join(st.dir, string(y)))
					if err != nil {
						return err
					}
					st.watched = append(st.watched, string(y))
					texts = append(texts, string(data))
				default:
					return fmt.Errorf("k8s_yaml: want a path, a blob or a list of them, got %s", x.Type())
				}
				return nil
			}
			if l, ok := v.(*starlark.List); ok {
				for i := 0; i < l.Len(); i++ {
					if err := add(l.Index(i)); err != nil {
						return nil, err
					}
				}
			} else if err := add(v); err != nil {
				return nil, err
			}
			for _, t := range texts {
				docs, err := decodeYAML(t)
				if err != nil {
					return nil, fmt.Errorf("k8s_yaml: %w", err)
				}
				for _, d := range docs {
					if err := st.addObject(d, allowDup); err != nil {
						return nil, err
					}
				}
			}
			return starlark.None, nil
		}),
		"docker_build": b("docker_build", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var ref, ctx, target, dockerfile string
			var only, liveUpdate, ignore, buildArgs, entrypoint, extra starlark.Value
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "ref", &ref, "context", &ctx,
				"build_args?", &buildArgs, "dockerfile?", &dockerfile, "dockerfile_contents?", &extra,
				"live_update?", &liveUpdate, "match_in_env_vars?", &extra, "ignore?", &ignore,
				"only?", &only, "entrypoint?", &entrypoint, "target?", &target, "ssh?", &extra,
				"network?", &extra, "secret?", &extra, "extra_tag?", &extra, "container_args?", &extra,
				"cache_from?", &extra, "pull?", &extra, "platform?", &extra, "extra_hosts?", &extra); err != nil {
				return nil, err
			}
			if _, err := os.Stat(filepath.Join(st.dir, ctx)); err != nil {
				return nil, fmt.Errorf("docker_build(%q): context: %w", ref, err)
			}
			df := dockerfile
			if df == "" {
				df = filepath.Join(ctx, "Dockerfile")
			}
			if _, err := os.Stat(filepath.Join(st.dir, df)); err != nil {
				return nil, fmt.Errorf("docker_build(%q): %w", ref, err)
			}
			im := &image{Ref: ref, Context: ctx, Target: target}
			im.Only, _ = strList(only)
			for _, p := range im.Only {
				if _, err := os.Stat(filepath.Join(st.dir, ctx, p)); err != nil {
					return nil, fmt.Errorf("docker_build(%q): only=: %w", ref, err)
				}
			}
			if l, ok := liveUpdate.(*starlark.List); ok {
				im.LiveUpdate = l.Len()
			}
			st.images = append(st.images, im)
			return starlark.None, nil
		}),
		"k8s_resource": b("k8s_resource", func(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var rc resourceCall
			var pf, deps, labels, objects, extra starlark.Value
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "workload?", &rc.Workload, "new_name?", &rc.NewName,
				"port_forwards?", &pf, "extra_pod_selectors?", &extra, "trigger_mode?", &extra,
				"resource_deps?", &deps, "objects?", &objects, "auto_init?", &extra,
				"pod_readiness?", &extra, "links?", &extra, "labels?", &labels,
				"discovery_strategy?", &extra); err != nil {
				return nil, err
			}
			var err error
			if rc.PortForwards, err = strList(pf); err != nil {
				return nil, err
			}
			if rc.Deps, err = strList(deps); err != nil {
				return nil, err
			}
			if rc.Labels, err = strList(labels); err != nil {
				return nil, err
			}
			if rc.Objects, err = strList(objects); err != nil {
				return nil, err
			}
			if rc.Workload == "" && rc.NewName == "" {
				return nil, errors.New("k8s_resource: give a workload or a new_name")
			}
			if rc.Workload == "" && len(rc.Objects) == 0 {
				return nil, errors.New("k8s_resource: a new_name without a workload needs objects=")
			}
			rc.pos = thread.CallFrame(1).Pos.String()
			st.calls = append(st.calls, rc)
			return starlark.None, nil
		}),
		"local_resource": b("local_resource", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			if len(args) < 1 {
				return nil, errors.New("local_resource: needs a name")
			}
			name, _ := starlark.AsString(args[0])
			r := map[string]any{"name": name, "type": "local"}
			for _, kv := range kw {
				r[string(kv[0].(starlark.String))] = toGo(kv[1])
			}
			st.localRes = append(st.localRes, r)
			return starlark.None, nil
		}),
		"fall_back_on":          step("fall_back_on"),
		"sync":                  step("sync"),
		"run":                   step("run"),
		"restart_container":     step("restart_container"),
		"initial_sync":          step("initial_sync"),
		"default_registry":      noop("default_registry"),
		"docker_prune_settings": noop("docker_prune_settings"),
		"analytics_settings":    noop("analytics_settings"),
		"version_settings":      noop("version_settings"),
		"secret_settings":       noop("secret_settings"),
		"set_team":              noop("set_team"),
		"enable_feature":        noop("enable_feature"),
		"disable_snapshots":     noop("disable_snapshots"),
		"fail": b("fail", func(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var msg string
			if err := starlark.UnpackArgs(fn.Name(), args, kw, "msg", &msg); err != nil {
				return nil, err
			}
			return nil, errors.New(msg)
		}),
		"struct": starlark.NewBuiltin("struct", starlarkstruct.Make),
	}
}

func (st *state) addObject(d any, allowDup bool) error {
	m, ok := d.(map[string]any)
	if !ok {
		return fmt.Errorf("k8s_yaml: a document is not a mapping")
	}
	kind, _ := m["kind"].(string)
	if kind == "List" {
		items, _ := m["items"].([]any)
		for _, it := range items {
			if err := st.addObject(it, allowDup); err != nil {
				return err
			}
		}
		return nil
	}
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	if kind == "" || name == "" {
		return fmt.Errorf("k8s_yaml: an object without kind or metadata.name")
	}
	o := &object{Kind: kind, Name: name, Namespace: ns, Body: m}
	for _, e := range st.objects {
		if e.Kind == o.Kind && e.Name == o.Name && e.Namespace == o.Namespace && !allowDup {
			return fmt.Errorf("k8s_yaml: duplicate object %s (Tilt refuses duplicates unless allow_duplicates=True)", o.selector())
		}
	}
	st.objects = append(st.objects, o)
	return nil
}

// ---------------------------------------------------------------- assembly (Tilt's grouping)

type resourceOut struct {
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Workload     string   `json:"workload,omitempty"`
	Objects      []string `json:"objects"`
	Images       []string `json:"images,omitempty"`
	ResourceDeps []string `json:"resource_deps,omitempty"`
	Labels       []string `json:"labels,omitempty"`
	PortForwards []string `json:"port_forwards,omitempty"`
}

func podLabelsAndImages(o *object) (map[string]any, []string) {
	spec, _ := o.Body["spec"].(map[string]any)
	var pod map[string]any
	switch o.Kind {
	case "Pod":
		pod = o.Body
	case "CronJob":
		jt, _ := spec["jobTemplate"].(map[string]any)
		js, _ := jt["spec"].(map[string]any)
		pod, _ = js["template"].(map[string]any)
	default:
		pod, _ = spec["template"].(map[string]any)
	}
	meta, _ := pod["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	ps, _ := pod["spec"].(map[string]any)
	var images []string
	for _, key := range []string{"initContainers", "containers"} {
		cs, _ := ps[key].([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			if img, ok := cm["image"].(string); ok {
				images = append(images, img)
			}
		}
	}
	return labels, images
}

func imageMatches(ref, img string) bool {
	base := img
	if i := strings.LastIndex(base, "@"); i >= 0 {
		base = base[:i]
	}
	if i := strings.LastIndex(base, ":"); i > strings.LastIndex(base, "/") {
		base = base[:i]
	}
	return base == ref || strings.TrimPrefix(base, "docker.io/library/") == ref || strings.TrimPrefix(base, "docker.io/") == ref
}

func (st *state) assemble(kubeContext string) (map[string]any, error) {
	var errs []string
	warnings := []string{}

	// workloads get a resource each, named after the object (name:kind if not unique)
	type wl struct {
		o    *object
		name string
	}
	var wls []*wl
	count := map[string]int{}
	for _, o := range st.objects {
		if workloadKinds[o.Kind] {
			count[o.Name]++
		}
	}
	byName := map[string]*wl{}
	for _, o := range st.objects {
		if !workloadKinds[o.Kind] {
			continue
		}
		n := o.Name
		if count[o.Name] > 1 {
			n = o.Name + ":" + strings.ToLower(o.Kind)
		}
		w := &wl{o: o, name: n}
		o.claimed = n
		wls = append(wls, w)
		byName[n] = w
	}
	res := map[string]*resourceOut{}
	var order []string
	for _, w := range wls {
		res[w.name] = &resourceOut{Name: w.name, Type: "k8s", Workload: w.o.selector(), Objects: []string{w.o.selector()}}
		order = append(order, w.name)
	}

	// explicit objects= claims first (Tilt applies them before its default grouping)
	for _, c := range st.calls {
		for _, sel := range c.Objects {
			parts := strings.Split(sel, ":")
			var hits []*object
			for _, o := range st.objects {
				if o.Name != parts[0] {
					continue
				}
				if len(parts) > 1 && !strings.EqualFold(parts[1], o.Kind) {
					continue
				}
				if len(parts) > 2 && parts[2] != o.Namespace {
					continue
				}
				hits = append(hits, o)
			}
			switch {
			case len(hits) == 0:
				errs = append(errs, fmt.Sprintf("%s: no object identified by the fragment %q could be found", c.pos, sel))
			case len(hits) > 1:
				errs = append(errs, fmt.Sprintf("%s: %q identifies %d objects: name it name:kind", c.pos, sel, len(hits)))
			case workloadKinds[hits[0].Kind]:
				errs = append(errs, fmt.Sprintf("%s: objects= names the workload %q: use k8s_resource(%q) instead", c.pos, sel, hits[0].Name))
			case hits[0].claimed != "":
				errs = append(errs, fmt.Sprintf("%s: %q is already part of resource %q", c.pos, sel, hits[0].claimed))
			default:
				owner := c.Workload
				if owner == "" {
					owner = c.NewName
				}
				hits[0].claimed = owner
			}
		}
	}

	// services follow the workloads whose pod labels match their selector
	for _, o := range st.objects {
		if o.Kind != "Service" || o.claimed != "" {
			continue
		}
		spec, _ := o.Body["spec"].(map[string]any)
		sel, _ := spec["selector"].(map[string]any)
		if len(sel) == 0 {
			continue
		}
		for _, w := range wls {
			labels, _ := podLabelsAndImages(w.o)
			match := true
			for k, v := range sel {
				if fmt.Sprint(labels[k]) != fmt.Sprint(v) {
					match = false
					break
				}
			}
			if match {
				o.claimed = w.name
				res[w.name].Objects = append(res[w.name].Objects, o.selector())
				break
			}
		}
	}

	// apply k8s_resource calls
	for _, c := range st.calls {
		var r *resourceOut
		if c.Workload != "" {
			w, ok := byName[c.Workload]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: k8s_resource: no workload named %q (resources so far: %s)", c.pos, c.Workload, strings.Join(order, ", ")))
				continue
			}
			r = res[w.name]
			if c.NewName != "" && c.NewName != w.name {
				delete(res, w.name)
				for i, n := range order {
					if n == w.name {
						order[i] = c.NewName
					}
				}
				r.Name = c.NewName
				res[c.NewName] = r
			}
		} else {
			if _, ok := res[c.NewName]; !ok {
				res[c.NewName] = &resourceOut{Name: c.NewName, Type: "k8s"}
				order = append(order, c.NewName)
			}
			r = res[c.NewName]
		}
		owner := c.Workload
		if owner == "" {
			owner = c.NewName
		}
		for _, o := range st.objects {
			if o.claimed == owner && !workloadKinds[o.Kind] && !contains(r.Objects, o.selector()) {
				r.Objects = append(r.Objects, o.selector())
			}
		}
		r.ResourceDeps = append(r.ResourceDeps, c.Deps...)
		r.Labels = append(r.Labels, c.Labels...)
		r.PortForwards = append(r.PortForwards, c.PortForwards...)
	}

	// whatever nobody claimed lands in Tilt's "uncategorized" resource
	var unc []string
	for _, o := range st.objects {
		if o.claimed == "" {
			unc = append(unc, o.selector())
		}
	}
	if len(unc) > 0 {
		res["uncategorized"] = &resourceOut{Name: "uncategorized", Type: "k8s", Objects: unc}
		order = append(order, "uncategorized")
	}
	for _, lr := range st.localRes {
		n := lr["name"].(string)
		res[n] = &resourceOut{Name: n, Type: "local"}
		if d, err := strList(fromGo(lr["resource_deps"])); err == nil {
			res[n].ResourceDeps = d
		}
		order = append(order, n)
	}

	// images are attached to the workloads that use them
	for _, n := range order {
		r := res[n]
		if r.Workload == "" {
			continue
		}
		for _, o := range st.objects {
			if o.selector() != r.Workload {
				continue
			}
			_, imgs := podLabelsAndImages(o)
			for _, im := range st.images {
				for _, i := range imgs {
					if imageMatches(im.Ref, i) && !contains(r.Images, im.Ref) {
						r.Images = append(r.Images, im.Ref)
						im.used = true
					}
				}
			}
		}
	}
	for _, im := range st.images {
		if !im.used {
			warnings = append(warnings, fmt.Sprintf("image %q is built but no workload uses it", im.Ref))
		}
	}
	for _, n := range order {
		for _, d := range res[n].ResourceDeps {
			if _, ok := res[d]; !ok {
				errs = append(errs, fmt.Sprintf("resource %q depends on unknown resource %q", n, d))
			}
		}
	}
	if kubeContext != "" && !localContext(kubeContext) && !contains(st.allowCtx, kubeContext) {
		errs = append(errs, fmt.Sprintf("context %q is neither a local cluster nor in allow_k8s_contexts(%v): Tilt would stop here", kubeContext, st.allowCtx))
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	out := []*resourceOut{}
	for _, n := range order {
		out = append(out, res[n])
	}
	return map[string]any{
		"allow_k8s_contexts": st.allowCtx,
		"context":            kubeContext,
		"settings":           st.settings,
		"watch_files":        st.watched,
		"local_commands":     st.localCmds,
		"images":             st.images,
		"resources":          out,
		"object_count":       len(st.objects),
		"prints":             st.prints,
		"warnings":           warnings,
	}, nil
}

// localContext mirrors Tilt's list of context names it treats as a local cluster.
func localContext(c string) bool {
	for _, p := range []string{"kind-", "k3d-", "minikube", "docker-desktop", "docker-for-desktop",
		"microk8s", "crc-", "rancher-desktop", "colima", "orbstack", "kind@"} {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	return false
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

func main() {
	file := flag.String("f", "Tiltfile", "path to the Tiltfile")
	kubeContext := flag.String("context", "", "check this kube context against allow_k8s_contexts, as tilt up --context would")
	noExec := flag.Bool("no-exec", false, "never run local() commands; an unstubbed local() is an error")
	var st stubs
	flag.Var(&st, "stub-local", "SUBSTRING=FILE: a local() whose command contains SUBSTRING returns FILE's content instead of running (repeatable)")
	flag.Parse()

	abs, err := filepath.Abs(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := &state{dir: filepath.Dir(abs), stubs: map[string]string{}, noExec: *noExec, settings: map[string]string{}}
	for _, kv := range st {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "--stub-local wants SUBSTRING=FILE")
			os.Exit(1)
		}
		s.stubs[k] = v
		s.stubOrder = append(s.stubOrder, k)
	}
	thread := &starlark.Thread{Name: "Tiltfile", Print: func(_ *starlark.Thread, msg string) {
		s.prints = append(s.prints, msg)
		fmt.Fprintln(os.Stderr, msg)
	}}
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}
	if _, err := starlark.ExecFileOptions(opts, thread, abs, src, s.builtins()); err != nil {
		var ee *starlark.EvalError
		if errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, ee.Backtrace())
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(5)
	}
	result, err := s.assemble(*kubeContext)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(5)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(result); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
