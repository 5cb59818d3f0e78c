//go:build !unix

package conform

import "os/exec"

func ownGroup(*exec.Cmd) {}

// killGroup kills the process (its children are not tracked here).
func killGroup(c *exec.Cmd) {
	if c.Process != nil {
		_ = c.Process.Kill()
	}
}
