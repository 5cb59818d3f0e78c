//go:build !unix

package main

import "os"

// keepOwner does nothing where files have no unix owner and group.
func keepOwner(*os.File, os.FileInfo) error { return nil }

// removeOnSignal does nothing where there are no unix signals to catch.
func removeOnSignal(*outFile) (stop func()) { return func() {} }
