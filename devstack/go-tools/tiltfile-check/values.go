package main

// Conversions between Starlark values, Go values (for JSON) and YAML documents.

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"gopkg.in/yaml.v3"
)

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
	case starlark.Indexable: // list, tuple
		out := []any{}
		for i := 0; i < x.Len(); i++ {
			out = append(out, toGo(x.Index(i)))
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
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := starlark.NewDict(len(x))
		for _, k := range keys {
			_ = d.SetKey(starlark.String(k), fromGo(x[k]))
		}
		return d
	}
	return starlark.String(fmt.Sprint(v))
}

// strList accepts None, a string, a blob, an int, or a list/tuple of them.
func strList(v starlark.Value) ([]string, error) {
	if v == nil || v == starlark.None {
		return nil, nil
	}
	one := func(e starlark.Value) (string, error) {
		switch x := e.(type) {
		case starlark.String:
			return string(x), nil
		case blob:
			return x.s, nil
		case starlark.Int:
			return x.String(), nil
		}
		return "", fmt.Errorf("want a string, got %s", e.Type())
	}
	if s, err := one(v); err == nil {
		return []string{s}, nil
	}
	l, ok := v.(starlark.Indexable)
	if !ok {
		return nil, fmt.Errorf("want a string or a list of strings, got %s", v.Type())
	}
	out := make([]string, 0, l.Len())
	for i := 0; i < l.Len(); i++ {
		s, err := one(l.Index(i))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// decodeYAML reads a stream of YAML documents, skipping empty ones (as Tilt does).
func decodeYAML(text string) ([]any, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var docs []any
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			docs = append(docs, normalize(doc))
		}
	}
}

// normalize turns yaml.v3's map[any]any and int into the types fromGo knows.
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
