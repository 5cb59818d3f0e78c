package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// outFile is the destination of a command's --output flag, opened before
// the command does any work so that a bad path fails at once. Every command
// with an --output flag writes through it:
//
//   - no --output, or "-": stdout, buffered;
//   - a device, FIFO or socket (or a link to one): written directly, never
//     replaced (renaming over /dev/null would destroy it);
//   - a regular file, a path that does not exist yet, or a symbolic link to
//     either: written atomically, to a temporary file in the same directory
//     that Commit syncs and renames over the target (a link is followed and
//     kept). A new file gets mode 0666 less the umask, as with shell
//     redirection; a replaced file keeps its mode, owner and group, and a
//     file this user could not open for writing is refused, not replaced.
//
// Errors name the path as the user gave it, never the temporary file.
type outFile struct {
	w    *bufio.Writer
	flag string // "--output"
	path string // as given
	// finish flushes and closes the stdout or direct destination.
	finish func() error

	// The atomic case.
	target string   // the file to replace (links resolved)
	tmp    *os.File // the temporary file, nil otherwise
	mu     sync.Mutex
	done   bool // committed or aborted
	// stopSignals ends the removal of the temporary file on a signal.
	stopSignals func()
}

// openOutput opens the --output destination path for the flag named flag
// ("--output"); path "" (the flag left out) and "-" are stdout. bufSize is
// the size of the write buffer.
func openOutput(e *env, flag, path string, bufSize int) (*outFile, error) {
	o := &outFile{flag: flag, path: path}
	if path == "" || path == "-" {
		o.w = bufio.NewWriterSize(e.stdout, bufSize)
		o.finish = o.w.Flush
		return o, nil
	}
	target, fi, err := resolveOutput(path)
	if err != nil {
		return nil, o.errorf("%w", pathErr(err))
	}
	if fi != nil && fi.IsDir() {
		return nil, o.errorf("is a directory")
	}
	if fi != nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, o.errorf("%w", pathErr(err))
		}
		o.w = bufio.NewWriterSize(f, bufSize)
		var once sync.Once
		o.finish = func() error {
			var err error
			once.Do(func() {
				err = o.w.Flush()
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			})
			return err
		}
		return o, nil
	}
	if fi != nil {
		// Renaming over the file would get past its own protection (the
		// directory is what the rename needs): replace only a file this user
		// could have opened for writing.
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return nil, o.errorf("%w: the file is not writable, so it is not replaced", pathErr(err))
			}
			return nil, o.errorf("%w", pathErr(err))
		}
		f.Close()
	}
	perm := os.FileMode(0o666)
	if fi != nil {
		// Never more open than the file being replaced, even for a moment.
		perm = fi.Mode().Perm()
	}
	// The watch for signals starts before the temporary file exists, so no
	// signal can end the run between its creation and the watch.
	o.stopSignals = removeOnSignal(o)
	o.mu.Lock()
	tmp, err := o.newTemp(target, fi, perm)
	if err != nil {
		o.done = true
		o.mu.Unlock()
		o.stopSignals()
		return nil, err
	}
	o.target, o.tmp = target, tmp
	o.mu.Unlock()
	o.w = bufio.NewWriterSize(tmp, bufSize)
	return o, nil
}

// newTemp creates the temporary file that replaces target, whose FileInfo
// is fi (nil for a new file), with permissions perm, and gives it the owner,
// group and mode of the file it replaces.
func (o *outFile) newTemp(target string, fi os.FileInfo, perm os.FileMode) (*os.File, error) {
	dir := filepath.Dir(target)
	tmp, err := createTemp(dir, filepath.Base(target), perm)
	if err != nil {
		return nil, o.errorf("cannot create a file in %s: %w", dir, pathErr(err))
	}
	if fi == nil {
		return tmp, nil
	}
	// Keep the owner and group of the file being replaced, then its
	// permissions (a change of owner clears the set-id bits, and the umask
	// may have taken bits off at creation).
	err = keepOwner(tmp, fi)
	if err != nil {
		err = o.errorf("%w", err)
	} else if cerr := tmp.Chmod(fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); cerr != nil {
		err = o.errorf("cannot keep the permissions of the file it replaces: %w", pathErr(cerr))
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

// errorf returns an error naming the flag and the path as given.
func (o *outFile) errorf(format string, args ...any) error {
	return fmt.Errorf("%s %s: %w", o.flag, o.path, fmt.Errorf(format, args...))
}

// Write writes to the buffer in front of the destination. An error names
// the path as given: a write that fills the disk fails in the temporary
// file, whose name means nothing to the user.
func (o *outFile) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.path != "" {
		err = fmt.Errorf("%s: %w", o.path, pathErr(err))
	}
	return n, err
}

// Commit completes the output: it flushes stdout or a direct destination,
// or syncs the temporary file and renames it over the target. After a
// failed Commit the target is as it was.
func (o *outFile) Commit() error {
	if o.tmp == nil {
		return o.finish()
	}
	err := o.w.Flush()
	if err == nil {
		err = o.tmp.Sync()
	}
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	defer o.stopSignals()
	if o.done {
		return fmt.Errorf("%s: the output was abandoned", o.path)
	}
	o.done = true
	if err == nil {
		err = os.Rename(o.tmp.Name(), o.target)
	}
	if err != nil {
		os.Remove(o.tmp.Name())
		return fmt.Errorf("%s: %w", o.path, pathErr(err))
	}
	return nil
}

// Atomic reports whether the output is a file written atomically (what a
// failed run must leave as it was), rather than stdout or a device.
func (o *outFile) Atomic() bool { return o.tmp != nil }

// Abort abandons the output: the temporary file is removed and the target
// left as it was. Abort after Commit does nothing.
func (o *outFile) Abort() {
	if o.tmp == nil {
		_ = o.finish()
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	defer o.stopSignals()
	o.abortLocked()
}

// abortLocked removes the temporary file unless the output is already
// committed or aborted; o.mu is held.
func (o *outFile) abortLocked() {
	if o.done {
		return
	}
	o.done = true
	if o.tmp != nil {
		o.tmp.Close()
		os.Remove(o.tmp.Name())
	}
}

// createTemp creates a new file ".BASE.tmp-N" in dir, N random, with the
// permissions perm less the umask (os.CreateTemp would give 0600 whatever
// the umask), trying another name when one is taken.
func createTemp(dir, base string, perm os.FileMode) (*os.File, error) {
	var err error
	for range 10000 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		var f *os.File
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, err
}

// emptyOutputFlag reports a flag given an empty value (--output "" or
// --output=) as a usage error: it would otherwise mean stdout, unnoticed.
func emptyOutputFlag(e *env, changed func(string) bool, name, value string) bool {
	if value != "" || !changed(name) {
		return false
	}
	errorf(e, "--%s: empty file name (leave --%s out to write to stdout)", name, name)
	return true
}

// resolveOutput follows path through symbolic links to the file to write,
// with its FileInfo, or nil when it does not exist yet (a new file, or the
// missing target of a dangling link).
func resolveOutput(path string) (string, os.FileInfo, error) {
	p := path
	for hops := 0; ; hops++ {
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return p, nil, nil
		case err != nil:
			return "", nil, err
		case fi.Mode()&os.ModeSymlink == 0:
			return p, fi, nil
		case hops == 0:
			// An existing target: let the system resolve every link of the path.
			if t, err := filepath.EvalSymlinks(p); err == nil {
				fi, err := os.Stat(t)
				return t, fi, err
			}
		case hops >= 40:
			return "", nil, errors.New("too many levels of symbolic links")
		}
		// A dangling link: follow it by hand to the path it names.
		t, err := os.Readlink(p)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = t
	}
}

// pathErr drops the path from a *fs.PathError (a temporary file's name, or
// the resolved target): callers name the path the user gave.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
