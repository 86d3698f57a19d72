//go:build !linux

package sfnlocaltest

import "os/exec"

// killWithParent does nothing where the kernel offers no parent-death
// signal: t.Cleanup still stops the server when the test ends normally.
func killWithParent(*exec.Cmd) {}
