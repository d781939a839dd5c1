package main

// Tilt's grouping of Kubernetes objects into resources, and the checks it makes on
// k8s_resource calls.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// object is one Kubernetes object from k8s_yaml().
type object struct {
	Kind, Name, Namespace string
	Body                  map[string]any
	owner                 string // the resource that claimed it
}

// selector is Tilt's object fragment: name:kind[:namespace], the kind lowercased.
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
	PortForwards          []portForward
	pos                   string
}

type image struct {
	Ref        string   `json:"ref"`
	Context    string   `json:"context"`
	Dockerfile string   `json:"dockerfile"`
	Target     string   `json:"target,omitempty"`
	Only       []string `json:"only,omitempty"`
	LiveUpdate []*step  `json:"live_update,omitempty"`
	used       bool
}

type resource struct {
	Name         string        `json:"name"`
	Workload     string        `json:"workload,omitempty"`
	Objects      []string      `json:"objects"`
	Images       []string      `json:"images,omitempty"`
	ResourceDeps []string      `json:"resource_deps,omitempty"`
	Labels       []string      `json:"labels,omitempty"`
	PortForwards []portForward `json:"port_forwards,omitempty"`
}

// The kinds Tilt makes a resource of, each running its pods from spec.template.
var workloadKinds = map[string]bool{"Deployment": true, "ReplicaSet": true, "StatefulSet": true, "DaemonSet": true, "Job": true}

func (st *state) addObject(d any, allowDuplicates bool) error {
	m, ok := d.(map[string]any)
	if !ok {
		return errors.New("k8s_yaml: a document is not a mapping")
	}
	kind, _ := m["kind"].(string)
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	if kind == "" || name == "" {
		return errors.New("k8s_yaml: an object without kind or metadata.name")
	}
	o := &object{Kind: kind, Name: name, Namespace: ns, Body: m}
	if !allowDuplicates && slices.ContainsFunc(st.objects, func(e *object) bool { return e.selector() == o.selector() }) {
		return fmt.Errorf("k8s_yaml: duplicate object %s (Tilt refuses duplicates unless allow_duplicates=True)", o.selector())
	}
	st.objects = append(st.objects, o)
	return nil
}

// podTemplate returns a workload's pod labels and container images.
func podTemplate(o *object) (map[string]any, []string) {
	spec, _ := o.Body["spec"].(map[string]any)
	pod, _ := spec["template"].(map[string]any)
	meta, _ := pod["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	podSpec, _ := pod["spec"].(map[string]any)
	var images []string
	for _, key := range []string{"initContainers", "containers"} {
		containers, _ := podSpec[key].([]any)
		for _, c := range containers {
			if img, ok := c.(map[string]any)["image"].(string); ok {
				images = append(images, img)
			}
		}
	}
	return labels, images
}

// imageMatches: a docker_build ref names an image whatever its tag or digest.
func imageMatches(ref, img string) bool {
	if i := strings.LastIndex(img, "@"); i >= 0 {
		img = img[:i]
	}
	if i := strings.LastIndex(img, ":"); i > strings.LastIndex(img, "/") {
		img = img[:i]
	}
	return img == ref || strings.TrimPrefix(img, "docker.io/library/") == ref || strings.TrimPrefix(img, "docker.io/") == ref
}

// assemble groups the objects as Tilt does: one resource per workload (name:kind when two
// share a name), objects= claims, Services following the workload their selector picks,
// the rest in "uncategorized"; then k8s_resource's renames, dependencies, labels and port
// forwards, and images attached to the workloads that run them.
func (st *state) assemble(kubeContext string) (map[string]any, error) {
	var errs []string
	sameName := map[string]int{}
	for _, o := range st.objects {
		if workloadKinds[o.Kind] {
			sameName[o.Name]++
		}
	}
	res := map[string]*resource{}
	var order []string
	workloadOf := map[string]*object{} // by resource name, before any rename
	bySelector := map[string]*object{}
	for _, o := range st.objects {
		if !workloadKinds[o.Kind] {
			continue
		}
		bySelector[o.selector()] = o
		name := o.Name
		if sameName[o.Name] > 1 {
			name += ":" + strings.ToLower(o.Kind)
		}
		o.owner = name
		workloadOf[name] = o
		res[name] = &resource{Name: name, Workload: o.selector(), Objects: []string{o.selector()}}
		order = append(order, name)
	}

	// objects= claims come before Tilt's own grouping
	for _, c := range st.calls {
		owner := c.Workload
		if owner == "" {
			owner = c.NewName
		}
		for _, fragment := range c.Objects {
			parts := strings.Split(fragment, ":")
			var hits []*object
			for _, o := range st.objects {
				if o.Name == parts[0] && (len(parts) < 2 || strings.EqualFold(parts[1], o.Kind)) && (len(parts) < 3 || parts[2] == o.Namespace) {
					hits = append(hits, o)
				}
			}
			switch {
			case len(hits) == 0:
				errs = append(errs, fmt.Sprintf("%s: no object identified by the fragment %q could be found", c.pos, fragment))
			case len(hits) > 1:
				errs = append(errs, fmt.Sprintf("%s: %q identifies %d objects: name it name:kind", c.pos, fragment, len(hits)))
			case workloadKinds[hits[0].Kind]:
				errs = append(errs, fmt.Sprintf("%s: objects= names the workload %q: use k8s_resource(%q) instead", c.pos, fragment, hits[0].Name))
			case hits[0].owner != "":
				errs = append(errs, fmt.Sprintf("%s: %q is already part of resource %q", c.pos, fragment, hits[0].owner))
			default:
				hits[0].owner = owner
			}
		}
	}

	// Services follow the first workload whose pod labels their selector matches
	for _, o := range st.objects {
		if o.Kind != "Service" || o.owner != "" {
			continue
		}
		spec, _ := o.Body["spec"].(map[string]any)
		selector, _ := spec["selector"].(map[string]any)
		if len(selector) == 0 {
			continue
		}
		for _, name := range order {
			labels, _ := podTemplate(workloadOf[name])
			match := true
			for k, v := range selector {
				match = match && fmt.Sprint(labels[k]) == fmt.Sprint(v)
			}
			if match {
				o.owner = name
				res[name].Objects = append(res[name].Objects, o.selector())
				break
			}
		}
	}

	for _, c := range st.calls {
		var r *resource
		if c.Workload != "" {
			var ok bool
			if r, ok = res[c.Workload]; !ok || r.Workload == "" {
				errs = append(errs, fmt.Sprintf("%s: k8s_resource: no workload named %q (resources so far: %s)", c.pos, c.Workload, strings.Join(order, ", ")))
				continue
			}
			if c.NewName != "" && c.NewName != c.Workload {
				delete(res, c.Workload)
				order[slices.Index(order, c.Workload)] = c.NewName
				r.Name = c.NewName
				res[c.NewName] = r
			}
		} else {
			if _, ok := res[c.NewName]; !ok {
				res[c.NewName] = &resource{Name: c.NewName}
				order = append(order, c.NewName)
			}
			r = res[c.NewName]
		}
		owner := c.Workload
		if owner == "" {
			owner = c.NewName
		}
		for _, o := range st.objects {
			if o.owner == owner && !workloadKinds[o.Kind] && !slices.Contains(r.Objects, o.selector()) {
				r.Objects = append(r.Objects, o.selector())
			}
		}
		r.ResourceDeps = append(r.ResourceDeps, c.Deps...)
		r.Labels = append(r.Labels, c.Labels...)
		r.PortForwards = append(r.PortForwards, c.PortForwards...)
	}

	var uncategorized []string
	for _, o := range st.objects {
		if o.owner == "" {
			uncategorized = append(uncategorized, o.selector())
		}
	}
	if len(uncategorized) > 0 {
		res["uncategorized"] = &resource{Name: "uncategorized", Objects: uncategorized}
		order = append(order, "uncategorized")
	}

	for _, name := range order {
		r := res[name]
		if r.Workload == "" {
			continue
		}
		_, images := podTemplate(bySelector[r.Workload])
		for _, im := range st.images {
			if slices.ContainsFunc(images, func(i string) bool { return imageMatches(im.Ref, i) }) && !slices.Contains(r.Images, im.Ref) {
				r.Images = append(r.Images, im.Ref)
				im.used = true
			}
		}
	}
	warnings := []string{}
	for _, im := range st.images {
		if !im.used {
			warnings = append(warnings, fmt.Sprintf("image %q is built but no workload runs it", im.Ref))
		}
	}
	for _, name := range order {
		for _, d := range res[name].ResourceDeps {
			if _, ok := res[d]; !ok {
				errs = append(errs, fmt.Sprintf("resource %q depends on unknown resource %q", name, d))
			}
		}
	}
	if cycle := findCycle(order, res); cycle != "" {
		errs = append(errs, "resource_deps form a cycle: "+cycle)
	}
	if kubeContext != "" && !localContext(kubeContext) && !slices.Contains(st.allowCtx, kubeContext) {
		errs = append(errs, fmt.Sprintf("context %q is neither a local cluster nor in allow_k8s_contexts(%v): Tilt would stop here", kubeContext, st.allowCtx))
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	resources := []*resource{}
	for _, name := range order {
		resources = append(resources, res[name])
	}
	return map[string]any{
		"allow_k8s_contexts": st.allowCtx,
		"context":            kubeContext,
		"settings":           st.settings,
		"watch_files":        st.watched,
		"local_commands":     st.localCmds,
		"images":             st.images,
		"resources":          resources,
		"object_count":       len(st.objects),
		"warnings":           warnings,
	}, nil
}

// findCycle returns a dependency cycle as "a -> b -> a", or "" (Tilt refuses cycles).
func findCycle(order []string, res map[string]*resource) string {
	const (
		unvisited = iota
		visiting
		done
	)
	mark := map[string]int{}
	var path []string
	var visit func(string) string
	visit = func(n string) string {
		switch mark[n] {
		case visiting:
			return strings.Join(append(path[slices.Index(path, n):], n), " -> ")
		case done:
			return ""
		}
		mark[n] = visiting
		path = append(path, n)
		if r, ok := res[n]; ok {
			for _, d := range r.ResourceDeps {
				if c := visit(d); c != "" {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		mark[n] = done
		return ""
	}
	for _, n := range order {
		if c := visit(n); c != "" {
			return c
		}
	}
	return ""
}

// localContext mirrors the context names Tilt treats as a local cluster.
func localContext(c string) bool {
	for _, p := range []string{"kind-", "k3d-", "minikube", "docker-desktop", "docker-for-desktop", "microk8s", "crc-", "rancher-desktop", "colima", "orbstack", "kind@"} {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	return false
}
