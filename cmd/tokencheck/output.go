package main

import (
	"errors"
	"io"
	"sync"
)

// outputError is a failure to write a command's standard output (a full
// disk, a closed pipe, a revoked terminal): the output is incomplete, so the
// command's result cannot be relied on and the exit code is 2.
type outputError struct{ err error }

func (o *outputError) Error() string { return "writing output: " + o.err.Error() }

// Unwrap returns the write error.
func (o *outputError) Unwrap() error { return o.err }

// checkedWriter wraps a command's stdout and remembers the first write
// error. After it, every write fails with that error and writes nothing, so
// that output which ignores errors (a table renderer, fmt.Fprint) cannot
// leave a half-written result unnoticed: run reports the error once the
// command returns.
type checkedWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

// Write passes p on until the first error, which it records and repeats.
func (c *checkedWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// Err returns the first write error, or nil.
func (c *checkedWriter) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// guardStdout wraps e.stdout in a checkedWriter (once) and returns it.
func guardStdout(e *env) *checkedWriter {
	if cw, ok := e.stdout.(*checkedWriter); ok {
		return cw
	}
	cw := &checkedWriter{w: e.stdout}
	e.stdout = cw
	return cw
}

// outputErr returns the first error writing e.stdout, if it is guarded.
func outputErr(e *env) error {
	if cw, ok := e.stdout.(*checkedWriter); ok {
		return cw.Err()
	}
	return nil
}

// writeFailed reports a failure to write the output and returns the exit
// code for it (2), in the one message style every command uses.
func writeFailed(e *env, err error) int {
	var oe *outputError
	if !errors.As(err, &oe) {
		err = &outputError{err: err}
	}
	errorf(e, "%v", err)
	return exitUsage
}

// finishOutput returns code unless writing the output failed: then the
// failure is reported (unless the command already reported it, returning 2)
// and the exit code is 2 whatever the command found.
func finishOutput(e *env, code int) int {
	err := outputErr(e)
	if err == nil || code == exitUsage {
		return code
	}
	return writeFailed(e, err)
}
