// Package fuzz holds the fuzz targets, the structured round-trip generators
// and the hostile-input tests of tokencheck. It has no non-test code: the
// package exists so that `go test -fuzz` has a home beside its seed corpora
// (testdata/fuzz/<FuzzName>/). See README.md for the targets, the limits they
// check and how to run them.
package fuzz
