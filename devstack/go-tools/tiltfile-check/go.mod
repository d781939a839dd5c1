// tiltfile-check: evaluates a Tiltfile without Tilt or a cluster (Tilt's own module is
// not served by the Go module proxy here). Built by ../build.sh tiltfile-check.
module ticketing.local/devstack/go-tools/tiltfile-check

go 1.25.0

require (
	go.starlark.net v0.0.0-20260908191801-89a6a09411d5
	gopkg.in/yaml.v3 v3.0.1
)

require golang.org/x/sys v0.42.0 // indirect
