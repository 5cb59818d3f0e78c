package decode

import "encoding/binary"

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
//
// Speed comes from three things: the bit buffer is refilled eight bytes at a
// time, so one refill covers a whole literal/length/distance triple; a table
// entry carries everything the decoding loop needs about its symbol (kind,
// literal byte or base value, number of extra bits), so the loop does no
// second lookup; and the tables of the fixed code, which token-sized streams
// almost always use, are built once for the process.

const (
	fastBits   = 9 // bits resolved by one table lookup
	fastMaxLen = 15
)

// A table entry is a uint32: bits 0-3 hold the length of the code (0 when
// no code of at most fastBits bits starts with these bits: a longer code, or
// none), bits 4-7 the number of extra bits after the code, bits 8-9 the kind
// of symbol, bits 16-31 its value (the literal byte, the base of a length or
// a distance, or the symbol itself for the code-length code).
const (
	kindValue = 0 << 8 // a literal, a distance, or a code-length symbol
	kindLen   = 1 << 8 // a length: value is its base
	kindEnd   = 2 << 8 // the end-of-block symbol
	kindBad   = 3 << 8 // a symbol RFC 1951 reserves (lengths 286-287, distances 30-31)
	kindMask  = 3 << 8
	// litFlag marks the entries of literals in a literal/length table,
	// so that the decoding loop tests one bit for its common case.
	litFlag = 1 << 31
)

var (
	lenBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtr = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clOrder  = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

	// litInfo, distInfo and plainInfo are the entries (without the code
	// length) of the symbols of the literal/length, distance and
	// code-length alphabets.
	litInfo = func() (t [288]uint32) {
		for s := 0; s < 256; s++ {
			t[s] = litFlag | kindValue | uint32(s)<<16
		}
		t[256] = kindEnd
		for i := range lenBase {
			t[257+i] = kindLen | uint32(lenExtra[i])<<4 | uint32(lenBase[i])<<16
		}
		t[286], t[287] = kindBad, kindBad
		return t
	}()
	distInfo = func() (t [32]uint32) {
		for i := range distBase {
			t[i] = kindValue | uint32(distExtr[i])<<4 | uint32(distBase[i])<<16
		}
		t[30], t[31] = kindBad, kindBad
		return t
	}()
	plainInfo = func() (t [19]uint32) {
		for s := range t {
			t[s] = uint32(s) << 16
		}
		return t
	}()

	// fixedCodes are the tables of the fixed code (RFC 1951 3.2.6). The
	// distance code is built over all 32 five-bit codes, which makes it
	// complete; codes 30 and 31 decode to kindBad.
	fixedCodes = func() *codes {
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
		var d [32]uint8
		for i := range d {
			d[i] = 5
		}
		c := new(codes)
		if !c.lit.build(l[:], litInfo[:]) || !c.dist.build(d[:], distInfo[:]) {
			// Both codes are complete: not reached. Empty tables
			// decode nothing, so every fixed block would fall back.
			return new(codes)
		}
		c.lit89 = lit89(l[:256])
		return c
	}()
)

// codes are the two codes of a Huffman-coded block. lit89 is set when every
// literal of lit has a code of 8 or 9 bits (see fastPairs).
type codes struct {
	lit, dist huffTable
	lit89     bool
}

// huffTable decodes one prefix code: entries for codes of up to fastBits
// bits are direct; longer codes go through the canonical count/symbol lists.
type huffTable struct {
	fast   [1 << fastBits]uint32
	count  [fastMaxLen + 1]uint16
	symbol [288]uint16
	info   []uint32 // the entries of the alphabet's symbols
	long   bool
}

// build makes the table for code lengths, with info the entries of the
// symbols (len(info) ≥ len(lengths)); it refuses what compress/flate's
// decoder would refuse, plus the empty code (left to compress/flate).
func (h *huffTable) build(lengths []uint8, info []uint32) bool {
	if len(info) < len(lengths) {
		return false
	}
	h.info = info
	h.count = [fastMaxLen + 1]uint16{}
	max := 0
	for _, l := range lengths {
		if l > fastMaxLen {
			return false
		}
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
			e := info[h.symbol[idx]] | uint32(l)
			idx++
			for j := reverse(next, l); j < 1<<fastBits; j += 1 << l {
				h.fast[j] = e
			}
			next++
		}
		next <<= 1
	}
	return true
}

// slow decodes a code longer than fastBits from the low nb bits of b, bit by
// bit through the canonical lists. It returns the symbol's entry and the
// code's length, which the caller consumes.
func (h *huffTable) slow(b uint64, nb uint) (uint32, uint, bool) {
	if !h.long {
		return 0, 0, false
	}
	code, first, index := 0, 0, 0
	for l := uint(1); l <= fastMaxLen; l++ {
		if l > nb {
			return 0, 0, false
		}
		code |= int(b >> (l - 1) & 1)
		c := int(h.count[l])
		if code-c < first {
			i := index + (code - first)
			if i < 0 || i >= len(h.symbol) || int(h.symbol[i]) >= len(h.info) {
				return 0, 0, false
			}
			return h.info[h.symbol[i]], l, true
		}
		index += c
		first = (first + c) << 1
		code <<= 1
	}
	return 0, 0, false
}

func reverse(code, n int) int {
	r := 0
	for i := 0; i < n; i++ {
		r = r<<1 | code&1
		code >>= 1
	}
	return r
}

// bitReader reads bits LSB first from a byte slice. The nb bits of b below
// bit nb are the next bits of the stream, from the bytes before pos; the
// bits above may hold the bytes from pos on (an eight-byte refill loads more
// than it counts), which is harmless: every read masks or checks nb.
type bitReader struct {
	data []byte
	pos  int
	b    uint64
	nb   uint
}

// refill brings nb to at least 56 while data lasts.
func (br *bitReader) refill() {
	if br.pos <= len(br.data)-8 {
		br.b |= binary.LittleEndian.Uint64(br.data[br.pos:]) << br.nb
		br.pos += int((63 - br.nb) >> 3)
		br.nb |= 56
		return
	}
	for br.nb <= 56 && br.pos < len(br.data) {
		br.b |= uint64(br.data[br.pos]) << br.nb
		br.pos++
		br.nb += 8
	}
}

// bits reads n (≤ 32) bits; false at the end of data.
func (br *bitReader) bits(n uint) (uint32, bool) {
	if br.nb < n {
		br.refill()
		if br.nb < n {
			return 0, false
		}
	}
	v := uint32(br.b & (1<<n - 1))
	br.b >>= n
	br.nb -= n
	return v, true
}

// sym decodes one symbol of h and returns the value of its entry.
func (br *bitReader) sym(h *huffTable) (int, bool) {
	if br.nb < fastMaxLen {
		br.refill()
	}
	e := h.fast[br.b&(1<<fastBits-1)]
	n := uint(e & 15)
	if n == 0 {
		var ok bool
		if e, n, ok = h.slow(br.b, br.nb); !ok {
			return 0, false
		}
	}
	if n > br.nb {
		return 0, false
	}
	br.b >>= n
	br.nb -= n
	return int(e >> 16), true
}

// inflateTables is the state of fastInflate for dynamic blocks (about 8
// KiB), pooled.
type inflateTables struct {
	codes
	cl   huffTable
	lens [286 + 30]uint8
}

// fastInflate decodes the raw deflate stream at the start of data, appending
// to dst[:0] at most limit bytes (limit ≤ cap(dst): it never allocates). It
// returns the output and the number of bytes of data the stream occupies (up
// to the byte holding its last bit). t holds the tables of dynamic blocks;
// when it is nil they are taken from a pool, only if a dynamic block comes.
func fastInflate(t *inflateTables, dst, data []byte, limit int) ([]byte, int, bool) {
	pooled := false
	defer func() {
		if pooled {
			tablePool.Put(t)
		}
	}()
	limit = max(min(limit, cap(dst)), 0)
	buf := dst[:limit]
	br := bitReader{data: data}
	o := 0
	for {
		hdr, ok := br.bits(3)
		if !ok {
			return nil, 0, false
		}
		final := hdr&1 == 1
		var c *codes
		switch hdr >> 1 {
		case 0: // stored
			// Drop to the byte boundary; give back whole bytes read ahead.
			br.pos -= int(br.nb / 8)
			br.b, br.nb = 0, 0
			if br.pos > len(data)-4 {
				return nil, 0, false
			}
			n := int(data[br.pos]) | int(data[br.pos+1])<<8
			nn := int(data[br.pos+2]) | int(data[br.pos+3])<<8
			br.pos += 4
			if n != ^nn&0xffff || n > len(data)-br.pos || n > len(buf)-o {
				return nil, 0, false
			}
			o += copy(buf[o:], data[br.pos:br.pos+n])
			br.pos += n
			if final {
				return buf[:o], br.pos, true
			}
			continue
		case 1:
			c = fixedCodes
		case 2:
			if t == nil {
				t = tablePool.Get().(*inflateTables)
				pooled = true
			}
			if !readDynamic(&br, t) {
				return nil, 0, false
			}
			c = &t.codes
		default:
			return nil, 0, false
		}
		if o, ok = br.block(buf, o, c); !ok {
			return nil, 0, false
		}
		if final {
			// Whole bytes still in the bit buffer were read ahead.
			return buf[:o], br.pos - int(br.nb/8), true
		}
	}
}

// block decodes the symbols of one Huffman-coded block into buf from offset
// o, up to and including its end-of-block symbol, and returns the new
// offset. The loop of fast does the common symbols; what it does not take
// (a code longer than the table, a reserved symbol, the last bytes of the
// input, the last bytes of room) is done one symbol at a time by step.
func (br *bitReader) block(buf []byte, o int, c *codes) (int, bool) {
	for {
		var done, ok bool
		if c.lit89 {
			o, done = br.fastPairs(buf, o, c)
		} else {
			o, done = br.fast(buf, o, c)
		}
		if done {
			return o, true
		}
		if o, done, ok = br.step(buf, o, &c.lit, &c.dist); !ok || done {
			return o, ok
		}
	}
}

// fast decodes symbols while at least eight bytes of input are left, and
// returns at the first symbol it leaves to step
// (with nothing of it consumed), or after the end-of-block symbol (done). It
// calls nothing, so that its state stays in registers.
//
// Each refill loads eight bytes and counts as many whole bytes as fit, so
// right after it all 64 bits of b are bits of the stream (those above nb
// are the next ones, counted by later refills). A symbol with its extra bits
// and distance takes at most 15+5+15+13 = 48 bits, so after one refill to at
// least 56 bits a symbol needs no check of nb, and at least 16 bits of the
// stream are still in b: enough to look up the next entry before the next
// refill. That takes the refill off the path from one lookup to the next.
func (br *bitReader) fast(buf []byte, o int, t *codes) (int, bool) {
	if br.pos > len(br.data)-8 {
		return o, false
	}
	// in is the input from pos on: one register fewer than data and pos.
	in, b, nb := br.data[br.pos:], br.b, br.nb
	b |= binary.LittleEndian.Uint64(in) << (nb & 63)
	in = in[(63-nb)>>3:]
	nb |= 56
	e := t.lit.fast[b&(1<<fastBits-1)]
	done := false
loop:
	for len(in) >= 8 {
		// Refill; e, looked up from the low bits, stays valid.
		b |= binary.LittleEndian.Uint64(in) << (nb & 63)
		in = in[(63-nb)>>3:]
		nb |= 56
		n := uint(e & 15)
		if e&litFlag != 0 {
			if o >= len(buf) {
				break // no room
			}
			b >>= n
			nb -= n
			buf[o] = byte(e >> 16)
			o++
			e = t.lit.fast[b&(1<<fastBits-1)]
			continue
		}
		switch e & kindMask {
		case kindLen:
		case kindEnd:
			b >>= n
			nb -= n
			done = true
			break loop
		default:
			break loop
		}
		ex := uint(e >> 4 & 15)
		c := b >> n
		length := int(e>>16) + int(c&(1<<ex-1))
		c >>= ex
		d := t.dist.fast[c&(1<<fastBits-1)]
		dn := uint(d & 15)
		if d&kindMask != kindValue || dn == 0 {
			break // a longer code or a reserved one: step decodes it again
		}
		c >>= dn
		dex := uint(d >> 4 & 15)
		back := int(d>>16) + int(c&(1<<dex-1))
		if back > o || length > len(buf)-o {
			break
		}
		b = c >> dex
		nb -= n + ex + dn + dex
		e = t.lit.fast[b&(1<<fastBits-1)]
		dst := buf[o : o+length]
		src := buf[o-back:][:length]
		if back >= length {
			copy(dst, src)
		} else {
			// The source overlaps what is being written: copy forward
			// byte by byte, so that repeated bytes are read after they
			// are written.
			for i := range dst {
				dst[i] = src[i]
			}
		}
		o += length
	}
	br.pos, br.b, br.nb = len(br.data)-len(in), b, nb
	return o, done
}

// fastPairs is fast for codes whose literals all have codes of 8 or 9 bits
// (the fixed code, and the dynamic codes built like it): after a literal it
// decodes the next symbols from entries looked up alongside, which shortens
// the chain of dependent lookups over a run of literals.
//
// It goes one literal further, three a round (27 bits at most), and keeps
// the refill off the chain. Call the bits of b that are bits of the stream
// (all 64 right after a refill, see fast) valid. At the top of the loop at
// least 37 are: a round of literals consumes at most 27 after its refill,
// and a length/distance pair refills again after its at most 48. So the
// literals' entries are looked up from b as it is, needing at most 36 bits,
// while the refill, which waits for the previous count of bits, goes on
// beside them and is needed only by the next round's lookups.
func (br *bitReader) fastPairs(buf []byte, o int, t *codes) (int, bool) {
	if br.pos > len(br.data)-8 {
		return o, false
	}
	// in is the input from pos on: one register fewer than data and pos.
	in, b, nb := br.data[br.pos:], br.b, br.nb
	b |= binary.LittleEndian.Uint64(in) << (nb & 63)
	in = in[(63-nb)>>3:]
	nb |= 56
	e := t.lit.fast[b&(1<<fastBits-1)]
	done := false
loop:
	for len(in) >= 8 {
		n := uint(e & 15)
		if e&litFlag != 0 {
			if o >= len(buf)-2 {
				break // no room for three
			}
			// The entry after this literal is the one 8 or 9 bits on,
			// and the one after that 16, 17 or 18 bits on: all are
			// looked up now, from bits already in b, and the right ones
			// are selected instead of waiting for the shifts.
			e2, e2b := t.lit.fast[b>>8&(1<<fastBits-1)], t.lit.fast[b>>9&(1<<fastBits-1)]
			e3, e3b, e3c := t.lit.fast[b>>16&(1<<fastBits-1)], t.lit.fast[b>>17&(1<<fastBits-1)], t.lit.fast[b>>18&(1<<fastBits-1)]
			if n == 9 {
				e2 = e2b
			}
			r := b | binary.LittleEndian.Uint64(in)<<(nb&63)
			in = in[(63-nb)>>3:]
			nb |= 56
			buf[o] = byte(e >> 16)
			if e2&litFlag == 0 {
				b = r >> n
				nb -= n
				e = e2
				o++
				continue
			}
			n += uint(e2 & 15)
			if n == 17 {
				e3 = e3b
			}
			if n == 18 {
				e3 = e3c
			}
			buf[o+1] = byte(e2 >> 16)
			if e3&litFlag == 0 {
				b = r >> n
				nb -= n
				e = e3
				o += 2
				continue
			}
			n += uint(e3 & 15)
			buf[o+2] = byte(e3 >> 16)
			o += 3
			e = t.lit.fast[b>>n&(1<<fastBits-1)]
			b = r >> n
			nb -= n
			continue
		}
		// Refill for the at most 48 bits of a length/distance pair.
		b |= binary.LittleEndian.Uint64(in) << (nb & 63)
		in = in[(63-nb)>>3:]
		nb |= 56
		switch e & kindMask {
		case kindLen:
		case kindEnd:
			b >>= n
			nb -= n
			done = true
			break loop
		default:
			break loop
		}
		ex := uint(e >> 4 & 15)
		c := b >> n
		length := int(e>>16) + int(c&(1<<ex-1))
		c >>= ex
		d := t.dist.fast[c&(1<<fastBits-1)]
		dn := uint(d & 15)
		if d&kindMask != kindValue || dn == 0 {
			break // a longer code or a reserved one: step decodes it again
		}
		c >>= dn
		dex := uint(d >> 4 & 15)
		back := int(d>>16) + int(c&(1<<dex-1))
		if back > o || length > len(buf)-o {
			break
		}
		b = c >> dex
		nb -= n + ex + dn + dex
		dst := buf[o : o+length]
		src := buf[o-back:][:length]
		if back >= length {
			copy(dst, src)
		} else {
			// The source overlaps what is being written: copy forward
			// byte by byte, so that repeated bytes are read after they
			// are written.
			for i := range dst {
				dst[i] = src[i]
			}
		}
		o += length
		// Refill again, so that the next round finds 46 valid bits.
		if len(in) < 8 {
			break
		}
		b |= binary.LittleEndian.Uint64(in) << (nb & 63)
		in = in[(63-nb)>>3:]
		nb |= 56
		e = t.lit.fast[b&(1<<fastBits-1)]
	}
	br.pos, br.b, br.nb = len(br.data)-len(in), b, nb
	return o, done
}

// step decodes one symbol (a literal, a length with its distance, or the
// end of the block), checking everything.
func (br *bitReader) step(buf []byte, o int, lit, dist *huffTable) (int, bool, bool) {
	if br.nb < 48 {
		br.refill()
	}
	b, nb := br.b, br.nb
	e := lit.fast[b&(1<<fastBits-1)]
	n := uint(e & 15)
	if n == 0 {
		var ok bool
		if e, n, ok = lit.slow(b, nb); !ok {
			return 0, false, false
		}
	}
	if n > nb {
		return 0, false, false
	}
	b >>= n & 63
	nb -= n
	switch e & kindMask {
	case kindValue:
		if o >= len(buf) {
			return 0, false, false
		}
		buf[o] = byte(e >> 16)
		br.b, br.nb = b, nb
		return o + 1, false, true
	case kindEnd:
		br.b, br.nb = b, nb
		return o, true, true
	case kindBad:
		return 0, false, false
	}
	ex := uint(e >> 4 & 15)
	if ex > nb {
		return 0, false, false
	}
	length := int(e>>16) + int(b&(1<<ex-1))
	b >>= ex
	nb -= ex
	e = dist.fast[b&(1<<fastBits-1)]
	n = uint(e & 15)
	if n == 0 {
		var ok bool
		if e, n, ok = dist.slow(b, nb); !ok {
			return 0, false, false
		}
	}
	if n > nb || e&kindMask != kindValue {
		return 0, false, false
	}
	b >>= n & 63
	nb -= n
	ex = uint(e >> 4 & 15)
	if ex > nb {
		return 0, false, false
	}
	back := int(e>>16) + int(b&(1<<ex-1))
	b >>= ex
	nb -= ex
	if back > o || length > len(buf)-o {
		return 0, false, false
	}
	dst := buf[o : o+length]
	src := buf[o-back:][:length]
	for i := range dst {
		dst[i] = src[i]
	}
	br.b, br.nb = b, nb
	return o + length, false, true
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
	if !t.cl.build(cl[:], plainInfo[:]) {
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
	t.lit89 = lit89(lens[:256])
	return t.lit.build(lens[:nlit], litInfo[:]) && t.dist.build(lens[nlit:], distInfo[:])
}

// lit89 reports whether every literal with a code (lengths[s] > 0) has one
// of 8 or 9 bits.
func lit89(lengths []uint8) bool {
	for _, l := range lengths {
		if l != 0 && l != 8 && l != 9 {
			return false
		}
	}
	return true
}
