//go:build race

package fuzz

// raceEnabled: the race detector slows the generator round trips about
// tenfold, so iterations runs fewer of them (the plain run keeps them all).
const raceEnabled = true
