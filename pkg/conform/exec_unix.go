//go:build unix

package conform

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the command in its own process group, so that killGroup
// ends the shell's children too (a killed sh would leave them holding the
// output pipe).
func ownGroup(c *exec.Cmd) { c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killGroup kills the process group ownGroup created.
func killGroup(c *exec.Cmd) {
	if c.Process != nil {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
	}
}
