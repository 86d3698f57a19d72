package cli

import (
	"fmt"
	"runtime/debug"
)

// versionText returns what 'polysync-sfn --version' prints after the name:
// the module version and the commit the binary was built from, as the build
// information records them (go build in a git checkout stamps the commit; go
// install module@version the version).
func versionText(info *debug.BuildInfo, ok bool) string {
	if !ok {
		return "unknown (no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var revision, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	text := version
	if revision != "" {
		text += fmt.Sprintf(" (commit %s", revision)
		if when != "" {
			text += ", " + when
		}
		if modified {
			text += ", modified"
		}
		text += ")"
	}
	return text + ", " + info.GoVersion
}
