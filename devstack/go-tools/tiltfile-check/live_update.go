package main

// live_update steps and port forwards: parsed into plain data for the JSON, and checked
// against the rules Tilt enforces when it loads a Tiltfile.

import (
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"go.starlark.net/starlark"
)

// step is one live_update step: fall_back_on(paths), sync(local, remote), run(command, trigger).
type step struct {
	Step     string   `json:"step"`
	Paths    []string `json:"paths,omitempty"`
	Local    string   `json:"local,omitempty"`
	Remote   string   `json:"remote,omitempty"`
	Command  string   `json:"command,omitempty"`
	Triggers []string `json:"triggers,omitempty"`
}

func (s *step) String() string        { return s.Step + "(...)" }
func (s *step) Type() string          { return "live_update_step" }
func (s *step) Freeze()               {}
func (s *step) Truth() starlark.Bool  { return true }
func (s *step) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: %s", s.Type()) }

func fallBackOn(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var files starlark.Value
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "files", &files); err != nil {
		return nil, err
	}
	paths, err := strList(files)
	return &step{Step: "fall_back_on", Paths: paths}, err
}

func syncStep(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	s := &step{Step: "sync"}
	return s, starlark.UnpackArgs(fn.Name(), args, kw, "local_path", &s.Local, "remote_path", &s.Remote)
}

func runStep(_ *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var command, trigger starlark.Value
	var echoOff bool
	if err := starlark.UnpackArgs(fn.Name(), args, kw, "cmd", &command, "trigger?", &trigger, "echo_off?", &echoOff); err != nil {
		return nil, err
	}
	argv, err := strList(command)
	if err != nil {
		return nil, err
	}
	s := &step{Step: "run", Command: strings.Join(argv, " ")}
	s.Triggers, err = strList(trigger)
	return s, err
}

// Tilt runs the steps in this order and refuses a live_update that lists them otherwise.
var stepRank = map[string]int{"fall_back_on": 0, "sync": 1, "run": 2}

// liveUpdate checks the steps of one docker_build's live_update as Tilt does: known steps in
// order; every local path inside the build context, and (with only=) inside what the build
// sends, since Tilt watches nothing else; remote paths absolute.
func (st *state) liveUpdate(im *image, v starlark.Value) ([]*step, error) {
	list, ok := v.(*starlark.List)
	if !ok {
		return nil, fmt.Errorf("want a list of steps, got %s", v.Type())
	}
	inBuild := func(p string) error {
		if !st.exists(p) {
			return fmt.Errorf("%q does not exist", p)
		}
		rel, err := filepath.Rel(filepath.Join(st.dir, im.Context), filepath.Join(st.dir, p))
		if err != nil || strings.HasPrefix(rel, "..") {
			return fmt.Errorf("%q is outside the build context %q", p, im.Context)
		}
		if len(im.Only) == 0 {
			return nil
		}
		for _, o := range im.Only {
			if rel == o || strings.HasPrefix(rel, strings.TrimSuffix(o, "/")+"/") {
				return nil
			}
		}
		return fmt.Errorf("%q is not in only=%v: Tilt would never see it change", p, im.Only)
	}
	var steps []*step
	last := 0
	for i := 0; i < list.Len(); i++ {
		s, ok := list.Index(i).(*step)
		if !ok {
			return nil, fmt.Errorf("step %d is a %s, not a live_update step", i+1, list.Index(i).Type())
		}
		if stepRank[s.Step] < last {
			return nil, fmt.Errorf("step %d: %s after a later kind of step (order: fall_back_on, sync, run)", i+1, s.Step)
		}
		last = stepRank[s.Step]
		switch s.Step {
		case "fall_back_on":
			for _, p := range s.Paths {
				if err := inBuild(p); err != nil {
					return nil, fmt.Errorf("fall_back_on: %w", err)
				}
			}
		case "sync":
			if err := inBuild(s.Local); err != nil {
				return nil, fmt.Errorf("sync: %w", err)
			}
			if !path.IsAbs(s.Remote) {
				return nil, fmt.Errorf("sync(%q, %q): the container path must be absolute", s.Local, s.Remote)
			}
		case "run":
			for _, t := range s.Triggers {
				if err := inBuild(t); err != nil {
					return nil, fmt.Errorf("run trigger: %w", err)
				}
			}
		}
		steps = append(steps, s)
	}
	return steps, nil
}

// portForward is one of k8s_resource's port_forwards: "LOCAL:CONTAINER", "PORT" or an int.
type portForward struct {
	Local     int `json:"local"`
	Container int `json:"container"`
}

func parsePortForwards(v starlark.Value) ([]portForward, error) {
	specs, err := strList(v)
	if err != nil {
		return nil, err
	}
	var out []portForward
	for _, s := range specs {
		parts := strings.Split(s, ":")
		if len(parts) > 2 {
			parts = parts[len(parts)-2:] // a leading host is allowed
		}
		ports := make([]int, len(parts))
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("port_forwards: %q is not PORT or LOCAL:CONTAINER", s)
			}
			ports[i] = n
		}
		out = append(out, portForward{Local: ports[0], Container: ports[len(ports)-1]})
	}
	return out, nil
}
