package gozlib

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// RFC 1951 §3.2.5: base values and extra bits of the length codes 257-285
// and of the distance codes 0-29.
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [numDist]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [numDist]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// codeLenOrder is the order in which the code-length code's lengths are
	// sent (§3.2.7).
	codeLenOrder = [numCodeLen]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// lengthCode[length-3] is the index (0-28) of the code of a match length.
var lengthCode = func() (t [256]uint8) {
	for c := range lengthBase {
		for l := int(lengthBase[c]); l < int(lengthBase[c])+1<<lengthExtra[c] && l <= maxMatch; l++ {
			t[l-3] = uint8(c)
		}
	}
	return t
}()

// distCode is the code (0-29) of a match distance d+1.
func distCode(d uint32) int {
	if d < 4 {
		return int(d)
	}
	l := bits.Len32(d) - 1
	return 2*l + int(d>>(l-1)&1)
}

// The fixed Huffman code (§3.2.6), bit-reversed for LSB-first output. It is
// defined over 288 symbols (286 and 287 are never sent), which the canonical
// codes of the 9-bit literals depend on.
var fixedLitLens, fixedLitCodes = func() (lens [288]uint8, codes [288]uint16) {
	for s := range lens {
		switch {
		case s < 144:
			lens[s] = 8
		case s < 256:
			lens[s] = 9
		case s < 280:
			lens[s] = 7
		default:
			lens[s] = 8
		}
	}
	canonical(lens[:], codes[:])
	return lens, codes
}()

// bitWriter packs bits LSB first, as DEFLATE wants them.
type bitWriter struct {
	acc uint64
	n   uint
	out []byte
}

// bits writes the low nb (at most 16) bits of v.
func (w *bitWriter) bits(v uint32, nb uint8) {
	w.acc |= uint64(v) << w.n
	w.n += uint(nb)
	for w.n >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

// room makes sure the output has space for n more bytes beyond what is
// written, and returns it at full capacity with the write offset, for
// putBits.
func (w *bitWriter) room(n int) ([]byte, int) {
	w.out = slices.Grow(w.out, n)
	return w.out[:cap(w.out)], len(w.out)
}

// align writes the pending bits, padded with zeros to a byte boundary.
func (w *bitWriter) align() {
	for w.n > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.n -= min(w.n, 8)
	}
	w.acc = 0
}

// finalEmptyStored is what compress/flate's Close ends every stream with:
// a final stored block of length 0 (its 3 header bits are written first).
var finalEmptyStored = [4]byte{0x00, 0x00, 0xff, 0xff}

// deflate appends the DEFLATE stream of data to dst; ok is false when the
// direct path met a state it does not expect (the caller then uses
// compress/flate).
func (e *encoder) deflate(dst, data []byte) (out []byte, ok bool) {
	w := bitWriter{out: dst}
	if len(data) > 0 {
		if !e.block(&w, data) {
			return w.out, false
		}
	}
	w.bits(1, 3) // BFINAL 1, BTYPE 00
	w.align()
	return append(w.out, finalEmptyStored[:]...), true
}

// block writes data as one non-final block of the cheapest kind.
func (e *encoder) block(w *bitWriter, data []byte) bool {
	e.grow(len(data))
	e.chains(data)
	e.parse(data)
	lit, dist := &e.lit, &e.dist
	lit[endOfBlock]++
	litSet := e.literalSet()
	fixedBits := 3 + e.fixedCost + fixedLiteralBits(lit, &litSet, e.literals) + int(fixedLitLens[endOfBlock])
	// The literal/length code ends with the end of block or the longest
	// length code used.
	numLit := endOfBlock + bits.Len32(e.lengthsUsed|1)
	numDistUsed := numDist
	for numDistUsed > 0 && dist[numDistUsed-1] == 0 {
		numDistUsed--
	}
	if numDistUsed == 0 {
		// compress/flate counts one use of distance code 0 in a block
		// without matches, in every size it compares.
		dist[0] = 1
		numDistUsed = 1
		fixedBits += 5
	}

	extra := 0
	for c := 257 + 8; c < numLit; c++ {
		extra += int(lit[c]) * int(lengthExtra[c-257])
	}
	for c := 4; c < numDistUsed; c++ {
		extra += int(dist[c]) * int(distExtra[c])
	}
	fixedBits += extra

	// The code lengths in the order the header sends them: literal/length
	// then distance, and eight bytes of padding for cl.encode.
	var lens [numLitLen + numDist + 8]uint8
	seq := lens[:numLit+numDistUsed]
	litLens, distLens := seq[:numLit], seq[numLit:]
	distSet := usedSet(dist[:numDistUsed])
	var hist [maxCodeBits + 1]int32
	litCost, okLit := e.codes.lengths(lit[:numLit], &litSet, maxCodeBits, litLens, &hist)
	distCost, okDist := e.codes.lengths(dist[:numDistUsed], &distSet, maxCodeBits, distLens, &hist)
	if !okLit || !okDist {
		return false
	}
	// The positions of the non-zero lengths: the literal/length symbols
	// used, then the distance codes used (at most 30, after at most 286).
	seqSet := litSet
	seqSet[4] |= distSet[0] << (numLit - 256)
	cl := &e.cl
	cl.count(seq, &seqSet, &hist)
	numCL := numCodeLen
	for numCL > 4 && cl.freq[codeLenOrder[numCL-1]] == 0 {
		numCL--
	}
	// The dynamic block's size but for the code-length code's cost.
	dynBits := 3 + 5 + 5 + 4 + 3*numCL + extra + litCost + distCost +
		int(cl.freq[16])*2 + int(cl.freq[17])*3 + int(cl.freq[18])*7
	storedBits := (len(data) + 5) * 8
	clSet := usedSet(cl.freq[:])
	// The code-length code is limited to 7 bits, which its Huffman code
	// often exceeds; the limited code costs at least as much as the
	// Huffman code. When the Huffman code's cost already leaves the
	// dynamic block no smaller than the fixed one, and the stored block is
	// no smaller either, the fixed block is chosen without building the
	// limited code.
	if storedBits >= fixedBits && dynBits+e.codes.huffmanCost(cl.freq[:], &clSet) >= fixedBits {
		w.bits(1<<1, 3) // BFINAL 0, BTYPE 01
		e.writeSymbols(w, data, &fixedSend)
		return true
	}
	var clLens [numCodeLen]uint8
	clCost, ok := e.codes.lengths(cl.freq[:], &clSet, maxCLBits, clLens[:], nil)
	if !ok {
		return false
	}
	dynBits += clCost

	switch {
	case storedBits < min(fixedBits, dynBits):
		w.bits(0, 3) // BFINAL 0, BTYPE 00
		w.align()
		n := uint16(len(data))
		w.out = append(w.out, byte(n), byte(n>>8), byte(^n), byte(^n>>8))
		w.out = append(w.out, data...)
	case dynBits < fixedBits:
		// The coding has the frequencies its code was built for
		// (TestCountMatchesEncode).
		if cl.encode(lens[:len(seq)+8], len(seq)) != cl.freq {
			return false
		}
		var litCodes [numLitLen]uint16
		var distCodes [numDist]uint16
		var clCodes [numCodeLen]uint16
		canonical(litLens, litCodes[:numLit])
		canonical(distLens, distCodes[:numDistUsed])
		canonical(clLens[:], clCodes[:])
		w.bits(2<<1, 3) // BFINAL 0, BTYPE 10
		w.bits(uint32(numLit-257), 5)
		w.bits(uint32(numDistUsed-1), 5)
		w.bits(uint32(numCL-4), 4)
		for _, s := range codeLenOrder[:numCL] {
			w.bits(uint32(clLens[s]), 3)
		}
		cl.write(w, &clLens, &clCodes)
		sc := &e.send
		sc.set(litLens, litCodes[:numLit], distLens, distCodes[:numDistUsed])
		e.writeSymbols(w, data, sc)
	default:
		w.bits(1<<1, 3) // BFINAL 0, BTYPE 01
		e.writeSymbols(w, data, &fixedSend)
	}
	return true
}

// fixedLiteralBits is the bits that n literals with the counts lit take in
// the fixed code: 8 each, 9 from 144 on; used is the set of literals used.
func fixedLiteralBits(lit *[numLitLen]int32, used *symbolSet, n int) int {
	high := int32(0)
	for w, word := range used[2:4] {
		if w == 0 {
			word &^= 1<<(144-128) - 1
		}
		for ; word != 0; word &= word - 1 {
			high += lit[(w+2)<<6|bits.TrailingZeros64(word)]
		}
	}
	return 8*n + int(high)
}

// The fixed distance code: 5 bits each.
var fixedDistLens, fixedDistCodes = func() (lens [numDist]uint8, codes [numDist]uint16) {
	for s := range lens {
		lens[s] = 5
	}
	canonical(lens[:], codes[:])
	return lens, codes
}()

// sendCodes is a block's prefix codes laid out for sending: for a literal
// or the end of block, its (bit-reversed) code with the code's length above
// bit 16; for a match length (by length-3), its length symbol's code
// followed by the extra bits, with the total bit count above bit 24; for a
// distance code, its code with the code's length above bit 16.
type sendCodes struct {
	lit    [endOfBlock + 1]uint32
	length [256]uint32
	dist   [numDist]uint32
}

// set lays out the codes with the lengths litLens and distLens (codes
// litCodes and distCodes); symbols beyond them are never sent.
func (sc *sendCodes) set(litLens []uint8, litCodes []uint16, distLens []uint8, distCodes []uint16) {
	for s := range sc.lit {
		sc.lit[s] = uint32(litCodes[s]) | uint32(litLens[s])<<16
	}
	for xl := range sc.length {
		lc := lengthCode[xl]
		s := 257 + int(lc)
		if s >= len(litLens) {
			sc.length[xl] = 0
			continue
		}
		v := uint32(litCodes[s]) | (uint32(xl)-uint32(lengthBase[lc]-3))<<litLens[s]
		sc.length[xl] = v | uint32(litLens[s]+lengthExtra[lc])<<24
	}
	clear(sc.dist[:])
	for d := range distLens {
		sc.dist[d] = uint32(distCodes[d]) | uint32(distLens[d])<<16
	}
}

// fixedSend is the fixed code (§3.2.6) laid out for sending.
var fixedSend = func() (sc sendCodes) {
	sc.set(fixedLitLens[:], fixedLitCodes[:], fixedDistLens[:], fixedDistCodes[:])
	return sc
}()

// writeSymbols writes the block's literals and matches and its end-of-block
// code with the codes sc: three literals at a time (at most 45 bits), a
// match at once (at most 48).
func (e *encoder) writeSymbols(w *bitWriter, data []byte, sc *sendCodes) {
	// A literal takes at most 15 bits, a match at most 48 for its 4 or more
	// bytes: 2 bytes per input byte, and putBits' 8 bytes of slack.
	buf, o := w.room(2*len(data) + 16)
	acc, n := w.acc, w.n
	p := 0
	for _, m := range e.matches {
		o, acc, n = putLiterals(buf, o, acc, n, data[p:m.pos], &sc.lit)
		xl := m.lenDist >> 16
		le := sc.length[uint8(xl)]
		xd := m.lenDist & 0xffff
		dc := distCode(xd)
		de := sc.dist[dc]
		dl := de >> 16
		d := uint64(de&0xffff) | uint64(xd-(distBase[dc]-1))<<dl
		o, acc, n = putBits(buf, o, acc, n, uint64(le&0xffffff)|d<<(le>>24), uint(le>>24+dl)+uint(distExtra[dc]))
		p = int(m.pos) + int(xl) + 3
	}
	o, acc, n = putLiterals(buf, o, acc, n, data[p:], &sc.lit)
	eob := sc.lit[endOfBlock]
	o, acc, n = putBits(buf, o, acc, n, uint64(eob&0xffff), uint(eob>>16))
	w.out, w.acc, w.n = buf[:o], acc, n
}

// putLiterals writes the literals run with the codes lit: six at a time
// (at most 54 bits) while their codes have at most 9 bits, as the fixed
// code's do, then three at a time (at most 45 bits).
func putLiterals(buf []byte, o int, acc uint64, n uint, run []byte, lit *[endOfBlock + 1]uint32) (int, uint64, uint) {
	for ; len(run) >= 6; run = run[6:] {
		c0, c1, c2 := lit[run[0]], lit[run[1]], lit[run[2]]
		c3, c4, c5 := lit[run[3]], lit[run[4]], lit[run[5]]
		if (c0|c1|c2|c3|c4|c5)>>16 > 9 {
			break
		}
		l1 := c0 >> 16
		l2 := l1 + c1>>16
		l3 := l2 + c2>>16
		l4 := l3 + c3>>16
		l5 := l4 + c4>>16
		// (Shift counts masked to 6 bits: no check for 64 or more.)
		v := uint64(c0&0xffff) | uint64(c1&0xffff)<<(l1&63) | uint64(c2&0xffff)<<(l2&63) |
			uint64(c3&0xffff)<<(l3&63) | uint64(c4&0xffff)<<(l4&63) | uint64(c5&0xffff)<<(l5&63)
		o, acc, n = putBits(buf, o, acc, n, v, uint(l5+c5>>16))
	}
	for ; len(run) >= 3; run = run[3:] {
		c0, c1, c2 := lit[run[0]], lit[run[1]], lit[run[2]]
		l0, l1 := c0>>16, c1>>16
		v := uint64(c0&0xffff) | uint64(c1&0xffff)<<(l0&63) | uint64(c2&0xffff)<<((l0+l1)&63)
		o, acc, n = putBits(buf, o, acc, n, v, uint(l0+l1+c2>>16))
	}
	for _, b := range run {
		c := lit[b]
		o, acc, n = putBits(buf, o, acc, n, uint64(c&0xffff), uint(c>>16))
	}
	return o, acc, n
}

// putBits writes the low nb (at most 56) bits of v after the n (< 8) bits
// pending in acc, storing every whole byte at buf[o:] (which has 8 bytes of
// room), and returns the new write offset and pending bits.
func putBits(buf []byte, o int, acc uint64, n uint, v uint64, nb uint) (int, uint64, uint) {
	acc |= v << (n & 63)
	n += nb
	binary.LittleEndian.PutUint64(buf[o:o+8], acc)
	k := n >> 3
	return o + int(k), acc >> (k << 3 & 63), n & 7
}

// codeLengthCode is the run-length coding of a dynamic block's code lengths
// (§3.2.7) as compress/flate forms it: a run of a non-zero length is the
// length once, then repeats of 3-6 (symbol 16) while 3 or more remain; a run
// of zeros is 11-138 (symbol 18) while 11 or more remain, then one 3-10
// (symbol 17) if 3 or more remain; what is left is sent one by one. Runs
// continue across the literal/length and distance lengths.
type codeLengthCode struct {
	// syms[:n] are the symbols, each with its repeat count (for 16, 17
	// and 18) in the high byte.
	syms [numLitLen + numDist]uint16
	n    int
	freq [numCodeLen]int32
}

// encode forms the run-length coding of the m code lengths at the start of
// seq, which has room for 8 bytes after them, and returns the symbols'
// frequencies.
func (c *codeLengthCode) encode(seq []uint8, m int) [numCodeLen]int32 {
	var freq [numCodeLen]int32
	syms := c.syms[:]
	n := 0
	// Eight bytes that are no code length end the m lengths, so that runs
	// are measured eight lengths at a time without running off them.
	buf := seq[:m+8]
	binary.LittleEndian.PutUint64(buf[m:], ^uint64(0))
	for i := 0; i < m; {
		size := buf[i]
		pattern := uint64(size) * 0x0101010101010101
		run := 1
		for {
			x := leUint64(buf[i+run:]) ^ pattern
			if x != 0 {
				run += bits.TrailingZeros64(x) >> 3
				break
			}
			run += 8
		}
		i += run
		if size != 0 {
			syms[n] = uint16(size)
			n++
			freq[size]++
			run--
			for run >= 3 {
				k := min(run, 6)
				syms[n] = 16 | uint16(k-3)<<8
				n++
				freq[16]++
				run -= k
			}
		} else {
			for run >= 11 {
				k := min(run, 138)
				syms[n] = 18 | uint16(k-11)<<8
				n++
				freq[18]++
				run -= k
			}
			if run >= 3 {
				syms[n] = 17 | uint16(run-3)<<8
				n++
				freq[17]++
				run = 0
			}
		}
		for ; run > 0; run-- {
			syms[n] = uint16(size)
			n++
			freq[size]++
		}
	}
	c.n = n
	return freq
}

// count sets freq to the frequencies of the symbols of the run-length
// coding of the code lengths seq, without forming the coding; set holds
// exactly the positions of the non-zero lengths, and hist[l] is how many
// are l.
//
// Runs of zeros are the gaps of set, counted by length class a word of
// positions at a time. A length is sent as itself unless a repeat symbol
// sends it, which needs four or more equal lengths in a row: only the
// stretches of four or more positions in set are looked at.
func (c *codeLengthCode) count(seq []uint8, set *symbolSet, hist *[maxCodeBits + 1]int32) {
	var freq [numCodeLen]int32
	copy(freq[1:maxCodeBits+1], hist[1:])
	m := len(seq)
	// zero: the positions of seq with a zero length.
	var zero symbolSet
	for i := range zero {
		valid := ^uint64(0)
		switch lo := i << 6; {
		case m <= lo:
			valid = 0
		case m < lo+64:
			valid = 1<<(m-lo) - 1
		}
		zero[i] = ^set[i] & valid
	}
	// first: the first position of each run of zeros; fromK: the
	// positions that start K zeros in a row (runs end at m).
	var first, from2, from3, from4, from8, from11, from16, from32, from64 symbolSet
	for i := range zero {
		first[i] = zero[i] &^ shl1(&zero, i)
		from2[i] = zero[i] & shr(&zero, i, 1)
	}
	for i := range zero {
		from3[i] = from2[i] & shr(&zero, i, 2)
		from4[i] = from2[i] & shr(&from2, i, 2)
	}
	for i := range zero {
		from8[i] = from4[i] & shr(&from4, i, 4)
	}
	for i := range zero {
		from11[i] = from8[i] & shr(&from3, i, 8)
		from16[i] = from8[i] & shr(&from8, i, 8)
	}
	for i := range zero {
		from32[i] = from16[i] & shr(&from16, i, 16)
	}
	for i := range zero {
		from64[i] = from32[i] & shr(&from32, i, 32)
	}
	long := uint64(0)
	var runs1, runs2, runs3, runs11 int
	for i := range zero {
		f := first[i]
		if i+1 < len(zero) {
			long |= f & from64[i] & from64[i+1]
		}
		runs1 += bits.OnesCount64(f &^ from2[i])
		runs2 += bits.OnesCount64(f & from2[i] &^ from3[i])
		runs3 += bits.OnesCount64(f & from3[i] &^ from11[i])
		runs11 += bits.OnesCount64(f & from11[i])
	}
	if long != 0 {
		// A run of 128 zeros or more, sent in pieces of 138: counted
		// gap by gap.
		c.countGaps(seq, set, &freq)
		return
	}
	freq[0] = int32(runs1 + 2*runs2)
	freq[17] = int32(runs3)
	freq[18] = int32(runs11)
	// The stretches of four or more non-zero lengths: their first
	// positions.
	for w := range set {
		x := set[w]
		starts := x & shr(set, w, 1) & shr(set, w, 2) & shr(set, w, 3) &^ shl1(set, w)
		for word := starts; word != 0; word &= word - 1 {
			p := w<<6 | bits.TrailingZeros64(word)
			repeats(seq[p:stretchEnd(set, p+4)], &freq)
		}
	}
	c.freq = freq
}

// countGaps completes count when seq has a run of zeros of 128 or more,
// going through the positions of set one by one; freq holds the
// frequencies of the non-zero lengths.
func (c *codeLengthCode) countGaps(seq []uint8, set *symbolSet, f *[numCodeLen]int32) {
	freq := *f
	var zeros uint64 // zeroRuns fields, summed
	last, start := -1, 0
	for w, word := range set {
		for ; word != 0; word &= word - 1 {
			p := w<<6 | bits.TrailingZeros64(word)
			gap := p - last - 1
			if last-start >= 3 && gap != 0 {
				repeats(seq[start:last+1], &freq)
			}
			if gap != 0 {
				start = p
			}
			for ; gap > 138; gap -= 138 {
				zeros += 1 << 42
			}
			zeros += zeroRuns[gap]
			last = p
		}
	}
	if last-start >= 3 {
		repeats(seq[start:last+1], &freq)
	}
	gap := len(seq) - last - 1
	for ; gap > 138; gap -= 138 {
		zeros += 1 << 42
	}
	zeros += zeroRuns[gap]
	freq[0] = int32(zeros & (1<<21 - 1))
	freq[17] = int32(zeros >> 21 & (1<<21 - 1))
	freq[18] = int32(zeros >> 42)
	c.freq = freq
}

// stretchEnd returns the first position from p on that is not in set
// (every position of set is below 320).
func stretchEnd(set *symbolSet, p int) int {
	for w := p >> 6; w < len(set); w++ {
		free := ^set[w]
		if w == p>>6 {
			free &^= 1<<(p&63) - 1
		}
		if free != 0 {
			return w<<6 | bits.TrailingZeros64(free)
		}
	}
	return len(set) << 6
}

// shr is word i of the 320-bit number x (bit p for position p) shifted
// down by k (1..63): bit p+k to p.
func shr(x *symbolSet, i int, k uint) uint64 {
	v := x[i] >> k
	if i+1 < len(x) {
		v |= x[i+1] << (64 - k)
	}
	return v
}

// shl1 is word i of the 320-bit number x shifted up by one: bit p to p+1.
func shl1(x *symbolSet, i int) uint64 {
	v := x[i] << 1
	if i > 0 {
		v |= x[i-1] >> 63
	}
	return v
}

// zeroRuns[z] is what a run of z (<= 138) zeros adds to the frequencies of
// 0 (bits 0-20), 17 (bits 21-41) and 18 (bits 42-62).
var zeroRuns = func() (t [139]uint64) {
	for z := 1; z <= 138; z++ {
		switch {
		case z >= 11:
			t[z] = 1 << 42
		case z >= 3:
			t[z] = 1 << 21
		default:
			t[z] = uint64(z)
		}
	}
	return t
}()

// repeats moves to symbol 16 the lengths of the stretch seq (no zeros)
// that repeat symbols send: in each run of equal lengths, the first is sent
// as itself, then repeats of 3-6 while 3 or more remain.
func repeats(seq []uint8, freq *[numCodeLen]int32) {
	for i := 0; i < len(seq); {
		size := seq[i]
		j := i + 1
		for j < len(seq) && seq[j] == size {
			j++
		}
		for r := j - i - 1; r >= 3; {
			k := min(r, 6)
			freq[16]++
			freq[size] -= int32(k)
			r -= k
		}
		i = j
	}
}

// write sends the coded lengths with the code-length code.
func (c *codeLengthCode) write(w *bitWriter, lens *[numCodeLen]uint8, codes *[numCodeLen]uint16) {
	extraBits := [3]uint8{2, 3, 7}
	// At most 7+7 bits per symbol, and putBits' 8 bytes of slack.
	buf, o := w.room(2*c.n + 8)
	acc, n := w.acc, w.n
	for _, v := range c.syms[:c.n] {
		s := v & 0xff
		o, acc, n = putBits(buf, o, acc, n, uint64(codes[s]), uint(lens[s]))
		if s >= 16 {
			o, acc, n = putBits(buf, o, acc, n, uint64(v>>8), uint(extraBits[s-16]))
		}
	}
	w.out, w.acc, w.n = buf[:o], acc, n
}
