package token

import "testing"

// TestKnownServiceMatchesTable checks the bitmask behind KnownService
// against the service table for every type.
func TestKnownServiceMatchesTable(t *testing.T) {
	for v := 0; v <= 0xFFFF; v++ {
		_, want := services[uint16(v)]
		if got := KnownService(uint16(v)); got != want {
			t.Fatalf("KnownService(%d) = %v, the table says %v", v, got, want)
		}
	}
}
