package main

// The part of Tilt's Tiltfile API this repository's Tiltfile calls, with Tilt's argument
// names, so a call Tilt would refuse (a misspelt keyword, a wrong type) is refused here too.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.starlark.net/starlark"
)

type stub struct{ substring, file string }

// state is what the Tiltfile declared, in call order.
type state struct {
	dir       string
	stubs     []stub
	noExec    bool
	allowCtx  []string
	settings  map[string]any
	watched   []string
	localCmds []string
	objects   []*object
	images    []*image
	calls     []resourceCall
}

// blob is Tilt's Blob: text from local() or blob(), accepted wherever YAML is.
type blob struct{ s string }

func (b blob) String() string        { return b.s }
func (b blob) Type() string          { return "blob" }
func (b blob) Freeze()               {}
func (b blob) Truth() starlark.Bool  { return b.s != "" }
func (b blob) Hash() (uint32, error) { return starlark.String(b.s).Hash() }

func (st *state) builtins() starlark.StringDict {
	fns := map[string]func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error){
		"allow_k8s_contexts": st.allowK8sContexts,
		"update_settings":    st.updateSettings,
		"watch_file":         st.watchFile,
		"local":              st.local,
		"blob":               blobBuiltin,
		"decode_yaml_stream": decodeYAMLStream,
		"k8s_yaml":           st.k8sYAML,
		"docker_build":       st.dockerBuild,
		"fall_back_on":       fallBackOn,
		"sync":               syncStep,
		"run":                runStep,
		"k8s_resource":       st.k8sResource,
	}
	out := starlark.StringDict{}
	for name, fn := range fns {
		out[name] = starlark.NewBuiltin(name, fn)
	}
	return out
}

// exists says whether a path relative to the Tiltfile's folder exists.
func (st *state) exists(p string) bool {
	_, err := os.Stat(filepath.Join(st.dir, p))
	return err == nil
}

func (st *state) allowK8sContexts(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "contexts", &v); err != nil {
		return nil, err
	}
	l, err := strList(v)
	st.allowCtx = append(st.allowCtx, l...)
	return starlark.None, err
}

// Tilt's update_settings keywords; any other is refused, as Tilt refuses it.
var settingKeys = map[string]bool{"max_parallel_updates": true, "k8s_upsert_timeout_secs": true, "suppress_unused_image_warnings": true}

func (st *state) updateSettings(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("%s: keyword arguments only", fn.Name())
	}
	for _, kv := range kw {
		key := string(kv[0].(starlark.String))
		if !settingKeys[key] {
			return nil, fmt.Errorf("%s: unexpected keyword argument %q", fn.Name(), key)
		}
		st.settings[key] = toGo(kv[1])
	}
	return starlark.None, nil
}

// watch_file is stricter than Tilt's: a path that does not exist is an error here (Tilt would
// watch nothing, and a renamed folder would silently stop re-synthesis).
func (st *state) watchFile(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var p string
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "path", &p); err != nil {
		return nil, err
	}
	if !st.exists(p) {
		return nil, fmt.Errorf("%s(%q): no such file or folder", fn.Name(), p)
	}
	st.watched = append(st.watched, p)
	return starlark.None, nil
}

func (st *state) local(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var command starlark.Value
	var quiet, echoOff bool
	var commandBat starlark.Value // Windows only: read, never run
	var env *starlark.Dict
	var dir string
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "command", &command, "quiet?", &quiet, "command_bat?", &commandBat,
		"echo_off?", &echoOff, "env?", &env, "dir?", &dir); err != nil {
		return nil, err
	}
	argv, err := strList(command)
	if err != nil {
		return nil, err
	}
	cmd := strings.Join(argv, " ")
	st.localCmds = append(st.localCmds, cmd)
	for _, s := range st.stubs {
		if strings.Contains(cmd, s.substring) {
			data, err := os.ReadFile(s.file)
			if err != nil {
				return nil, fmt.Errorf("local: stub for %q: %w", s.substring, err)
			}
			return blob{string(data)}, nil
		}
	}
	if st.noExec {
		return nil, fmt.Errorf("local(%q): not run (--no-exec, and no --stub-local matches)", cmd)
	}
	// A string runs in a shell, a list as it is (Tilt's rule).
	c := exec.Command("sh", "-c", cmd)
	if _, isList := command.(*starlark.List); isList {
		c = exec.Command(argv[0], argv[1:]...)
	}
	c.Dir = filepath.Join(st.dir, dir)
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
}

func blobBuiltin(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var s string
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "input", &s); err != nil {
		return nil, err
	}
	return blob{s}, nil
}

func decodeYAMLStream(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "yaml", &v); err != nil {
		return nil, err
	}
	text, err := strList(v)
	if err != nil {
		return nil, err
	}
	docs, err := decodeYAML(strings.Join(text, "\n"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn.Name(), err)
	}
	return fromGo(docs), nil
}

func (st *state) k8sYAML(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	var allowDuplicates bool
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "yaml", &v, "allow_duplicates?", &allowDuplicates); err != nil {
		return nil, err
	}
	values := []starlark.Value{v}
	if l, ok := v.(*starlark.List); ok {
		values = values[:0]
		for i := 0; i < l.Len(); i++ {
			values = append(values, l.Index(i))
		}
	}
	for _, x := range values {
		var text string
		switch y := x.(type) {
		case blob:
			text = y.s
		case starlark.String: // a file
			data, err := os.ReadFile(filepath.Join(st.dir, string(y)))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", fn.Name(), err)
			}
			st.watched = append(st.watched, string(y))
			text = string(data)
		default:
			return nil, fmt.Errorf("%s: want a path, a blob or a list of them, got %s", fn.Name(), x.Type())
		}
		docs, err := decodeYAML(text)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fn.Name(), err)
		}
		for _, d := range docs {
			if err := st.addObject(d, allowDuplicates); err != nil {
				return nil, err
			}
		}
	}
	return starlark.None, nil
}

func (st *state) dockerBuild(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var ref, context, dockerfile, target string
	var only, ignore, liveUpdate, buildArgs, entrypoint starlark.Value
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "ref", &ref, "context", &context,
		"build_args?", &buildArgs, "dockerfile?", &dockerfile, "live_update?", &liveUpdate,
		"ignore?", &ignore, "only?", &only, "entrypoint?", &entrypoint, "target?", &target); err != nil {
		return nil, err
	}
	if !st.exists(context) {
		return nil, fmt.Errorf("docker_build(%q): context %q does not exist", ref, context)
	}
	if dockerfile == "" {
		dockerfile = filepath.Join(context, "Dockerfile")
	}
	if !st.exists(dockerfile) {
		return nil, fmt.Errorf("docker_build(%q): %s does not exist", ref, dockerfile)
	}
	im := &image{Ref: ref, Context: context, Dockerfile: dockerfile, Target: target}
	var err error
	if im.Only, err = strList(only); err != nil {
		return nil, err
	}
	for _, p := range im.Only {
		if !st.exists(filepath.Join(context, p)) {
			return nil, fmt.Errorf("docker_build(%q): only=%q does not exist", ref, p)
		}
	}
	if liveUpdate != nil && liveUpdate != starlark.None {
		if im.LiveUpdate, err = st.liveUpdate(im, liveUpdate); err != nil {
			return nil, fmt.Errorf("docker_build(%q): live_update: %w", ref, err)
		}
	}
	st.images = append(st.images, im)
	return starlark.None, nil
}

func (st *state) k8sResource(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var rc resourceCall
	var portForwards, deps, labels, objects starlark.Value
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "workload?", &rc.Workload, "new_name?", &rc.NewName,
		"port_forwards?", &portForwards, "resource_deps?", &deps, "objects?", &objects, "labels?", &labels); err != nil {
		return nil, err
	}
	var err error
	if rc.PortForwards, err = parsePortForwards(portForwards); err != nil {
		return nil, fmt.Errorf("%s: %w", fn.Name(), err)
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
}
