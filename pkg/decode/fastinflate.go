package decode

// A DEFLATE decoder (RFC 1951) for the common case only: a well-formed
// stream whose whole output fits in memory. It decodes straight into the
// output slice (back-references copy from it; no window, no io.Reader, no
// per-call state beyond the stack), which makes a token-sized stream several
// times cheaper than compress/flate's Reset and byte-at-a-time reads.
//
// It is an accelerator, never the judge: on anything it does not take (a
// construct compress/flate might treat differently, any error, an output
// over the limit, input not consumed exactly) it reports !ok and inflateTo
// decodes with compress/flate, which produces the located error or the
// output. Its result is used only when its output's Adler-32 matches the
// stream's and the stream ends exactly before the checksum, so an accepted
// stream is one compress/flate also accepts with the same bytes
// (TestFastInflateMatchesFlate checks this on random and damaged streams).

const (
	fastBits   = 9 // bits resolved by one table lookup
	fastMaxLen = 15
)

// huffTable decodes one prefix code: entries for codes of up to fastBits
// bits are direct (symbol<<4 | length); longer codes go through the
// canonical count/symbol lists.
type huffTable struct {
	fast   [1 << fastBits]uint16
	count  [fastMaxLen + 1]uint16
	symbol [288]uint16
	long   bool
}

// build makes the table for code lengths; it refuses what compress/flate's
// decoder would refuse, plus the empty code (left to compress/flate).
func (h *huffTable) build(lengths []uint8) bool {
	h.count = [fastMaxLen + 1]uint16{}
	max := 0
	for _, l := range lengths {
		h.count[l]++
		if int(l) > max {
			max = int(l)
		}
	}
	h.count[0] = 0
	if max == 0 {
		return false
	}
	code := 0
	var offs [fastMaxLen + 2]uint16
	for l := 1; l <= fastMaxLen; l++ {
		code = code<<1 + int(h.count[l])
		offs[l+1] = offs[l] + h.count[l]
	}
	// code now counts the leaves as codes of length 15: complete iff
	// 1<<15, and compress/flate also takes a single code of length 1.
	single := max == 1 && h.count[1] == 1
	if code != 1<<fastMaxLen && !single {
		return false
	}
	for s, l := range lengths {
		if l != 0 {
			h.symbol[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	h.long = max > fastBits
	clear(h.fast[:])
	// Canonical codes, assigned in order of length then symbol.
	next := 0
	idx := 0
	for l := 1; l <= min(max, fastBits); l++ {
		for i := 0; i < int(h.count[l]); i++ {
			sym := h.symbol[idx]
			idx++
			rev := reverse(next, l)
			for j := rev; j < 1<<fastBits; j += 1 << l {
				h.fast[j] = sym<<4 | uint16(l)
			}
			next++
		}
		next <<= 1
	}
	return true
}

func reverse(code, n int) int {
	r := 0
	for i := 0; i < n; i++ {
		r = r<<1 | code&1
		code >>= 1
	}
	return r
}

// bitReader reads bits LSB first from a byte slice.
type bitReader struct {
	data []byte
	pos  int
	b    uint64
	nb   uint
}

// need makes at least n (≤ 32) bits available; false at the end of data.
func (br *bitReader) need(n uint) bool {
	for br.nb < n {
		if br.pos >= len(br.data) {
			return false
		}
		br.b |= uint64(br.data[br.pos]) << br.nb
		br.pos++
		br.nb += 8
	}
	return true
}

// fill loads whole bytes while there is room, for the symbol loop.
func (br *bitReader) fill() {
	for br.nb <= 56 && br.pos < len(br.data) {
		br.b |= uint64(br.data[br.pos]) << br.nb
		br.pos++
		br.nb += 8
	}
}

func (br *bitReader) bits(n uint) (uint32, bool) {
	if !br.need(n) {
		return 0, false
	}
	v := uint32(br.b & (1<<n - 1))
	br.b >>= n
	br.nb -= n
	return v, true
}

// sym decodes one symbol of h.
func (br *bitReader) sym(h *huffTable) (int, bool) {
	if br.nb < fastMaxLen {
		br.fill()
	}
	e := h.fast[br.b&(1<<fastBits-1)]
	if l := uint(e & 15); l != 0 {
		if l > br.nb {
			return 0, false
		}
		br.b >>= l
		br.nb -= l
		return int(e >> 4), true
	}
	if !h.long {
		return 0, false
	}
	// Canonical decode, bit by bit (codes longer than fastBits).
	code, first, index := 0, 0, 0
	for l := 1; l <= fastMaxLen; l++ {
		if br.nb == 0 {
			return 0, false
		}
		code |= int(br.b & 1)
		br.b >>= 1
		br.nb--
		c := int(h.count[l])
		if code-c < first {
			return int(h.symbol[index+(code-first)]), true
		}
		index += c
		first = (first + c) << 1
		code <<= 1
	}
	return 0, false
}

var (
	lenBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtr = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clOrder  = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

	fixedLit, fixedDist = func() (*huffTable, *huffTable) {
		var l [288]uint8
		for i := range l {
			switch {
			case i < 144:
				l[i] = 8
			case i < 256:
				l[i] = 9
			case i < 280:
				l[i] = 7
			default:
				l[i] = 8
			}
		}
		var d [30]uint8
		for i := range d {
			d[i] = 5
		}
		lit, dist := new(huffTable), new(huffTable)
		lit.build(l[:])
		// 30 codes of length 5 are an incomplete code (32 leaves); the table
		// is filled by hand: codes 30 and 31 stay invalid (0), as in RFC 1951.
		for s := 0; s < 30; s++ {
			rev := reverse(s, 5)
			for j := rev; j < 1<<fastBits; j += 1 << 5 {
				dist.fast[j] = uint16(s)<<4 | 5
			}
		}
		return lit, dist
	}()
)

// inflateTables is the per-call state of fastInflate (about 3 KiB), pooled
// with the inflater.
type inflateTables struct {
	lit, dist, cl huffTable
	lens          [286 + 30]uint8
}

// fastInflate decodes the raw deflate stream at the start of data, appending
// to dst[:0] at most limit bytes (limit ≤ cap(dst): it never allocates). It
// returns the output and the number of bytes of data the stream occupies (up
// to the byte holding its last bit).
func fastInflate(t *inflateTables, dst, data []byte, limit int) ([]byte, int, bool) {
	br := bitReader{data: data}
	out := dst[:0]
	for {
		hdr, ok := br.bits(3)
		if !ok {
			return nil, 0, false
		}
		final := hdr&1 == 1
		var lit, dist *huffTable
		switch hdr >> 1 {
		case 0: // stored
			// Drop to the byte boundary; give back whole bytes read ahead.
			br.b >>= br.nb % 8
			br.nb -= br.nb % 8
			br.pos -= int(br.nb / 8)
			br.b, br.nb = 0, 0
			if br.pos+4 > len(data) {
				return nil, 0, false
			}
			n := int(data[br.pos]) | int(data[br.pos+1])<<8
			nn := int(data[br.pos+2]) | int(data[br.pos+3])<<8
			br.pos += 4
			if n != ^nn&0xffff || br.pos+n > len(data) || len(out)+n > limit {
				return nil, 0, false
			}
			out = append(out, data[br.pos:br.pos+n]...)
			br.pos += n
			if final {
				return out, br.pos, true
			}
			continue
		case 1:
			lit, dist = fixedLit, fixedDist
		case 2:
			if !readDynamic(&br, t) {
				return nil, 0, false
			}
			lit, dist = &t.lit, &t.dist
		default:
			return nil, 0, false
		}
		for {
			s, ok := br.sym(lit)
			if !ok {
				return nil, 0, false
			}
			if s < 256 {
				if len(out) >= limit {
					return nil, 0, false
				}
				out = append(out, byte(s))
				continue
			}
			if s == 256 {
				break
			}
			s -= 257
			if s >= 29 {
				return nil, 0, false
			}
			e, ok := br.bits(uint(lenExtra[s]))
			if !ok {
				return nil, 0, false
			}
			length := int(lenBase[s]) + int(e)
			d, ok := br.sym(dist)
			if !ok || d >= 30 {
				return nil, 0, false
			}
			e, ok = br.bits(uint(distExtr[d]))
			if !ok {
				return nil, 0, false
			}
			back := int(distBase[d]) + int(e)
			if back > len(out) || len(out)+length > limit {
				return nil, 0, false
			}
			start := len(out) - back
			for i := 0; i < length; i++ {
				out = append(out, out[start+i])
			}
		}
		if final {
			// Whole bytes still in the bit buffer were read ahead.
			return out, br.pos - int(br.nb/8), true
		}
	}
}

func readDynamic(br *bitReader, t *inflateTables) bool {
	h, ok := br.bits(14)
	if !ok {
		return false
	}
	nlit, ndist, nclen := int(h&31)+257, int(h>>5&31)+1, int(h>>10&15)+4
	if nlit > 286 || ndist > 30 {
		return false
	}
	var cl [19]uint8
	for i := 0; i < nclen; i++ {
		v, ok := br.bits(3)
		if !ok {
			return false
		}
		cl[clOrder[i]] = uint8(v)
	}
	if !t.cl.build(cl[:]) {
		return false
	}
	lens := t.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		s, ok := br.sym(&t.cl)
		if !ok {
			return false
		}
		if s < 16 {
			lens[i] = uint8(s)
			i++
			continue
		}
		var rep int
		var val uint8
		switch s {
		case 16:
			if i == 0 {
				return false
			}
			v, ok := br.bits(2)
			if !ok {
				return false
			}
			rep, val = 3+int(v), lens[i-1]
		case 17:
			v, ok := br.bits(3)
			if !ok {
				return false
			}
			rep = 3 + int(v)
		default:
			v, ok := br.bits(7)
			if !ok {
				return false
			}
			rep = 11 + int(v)
		}
		if i+rep > len(lens) {
			return false
		}
		for ; rep > 0; rep-- {
			lens[i] = val
			i++
		}
	}
	if lens[256] == 0 {
		return false
	}
	return t.lit.build(lens[:nlit]) && t.dist.build(lens[nlit:])
}
