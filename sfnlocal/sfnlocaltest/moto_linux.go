package sfnlocaltest

import (
	"os/exec"
	"syscall"
)

// killWithParent asks the kernel to kill cmd's process when the process
// that started it dies, so that a test binary killed by -timeout leaves no
// moto_server behind.
func killWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
