//go:build tools

// Tilt's command, so that go.mod keeps it and everything it needs (built by ../build.sh tilt).
package tools

import _ "github.com/tilt-dev/tilt/cmd/tilt"
