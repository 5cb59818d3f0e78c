package gozlib

import "math/bits"

// The LZ77 parameters of compress/flate at level 6.
const (
	minMatch   = 4   // shortest match emitted (a 3-byte match is never taken)
	maxMatch   = 258 // longest match DEFLATE can code
	lazyLimit  = 16  // a match this long is not followed by a lazy search
	niceLength = 128 // a match this long ends the chain walk
	chainLimit = 128 // candidates examined per search
	farLimit   = 4096
	hashBits   = 17
	hashMul    = 0x1e35a7bd
)

// A match is one LZ77 back-reference: it starts at pos, and packs
// (length-3)<<16 | (distance-1). The bytes between matches are literals.
type match struct {
	pos     uint32
	lenDist uint32
}

// encoder holds the per-stream state; it is reused through a pool.
type encoder struct {
	// bucket heads (position+1, 0 = empty) and the per-position link to the
	// previous position of the same bucket (0 for none), for the positions
	// that start 4 bytes. Buckets are the low bits of the hash; the chain
	// of a full hash is its bucket's positions with that hash (see
	// earlier). A position with no link has no chain.
	head       []uint16
	bucketPrev []uint16

	matches []match
	lit     [numLitLen]int32
	dist    [numDist]int32
	// seen[b] is 1 when byte b is sent as a literal: the set of literals
	// used is gathered from it eight at a time.
	seen [256]uint8
	// lengthsUsed has bit s-256 set when the length symbol s is used;
	// literals is the number of literals; fixedCost is the bits the
	// matches take in the fixed code, without extra bits.
	lengthsUsed uint32
	fixedCost   int
	literals    int

	codes codeBuilder
	cl    codeLengthCode
	send  sendCodes
}

// grow sizes the per-position tables for n bytes.
func (e *encoder) grow(n int) {
	if cap(e.bucketPrev) < n {
		c := max(n, 512)
		e.bucketPrev = make([]uint16, c)
	}
}

// hash4 is compress/flate's hash of the 4 bytes at b: their big-endian value
// times hashMul, top 17 bits.
func hash4(b []byte) uint32 {
	v := uint32(b[3]) | uint32(b[2])<<8 | uint32(b[1])<<16 | uint32(b[0])<<24
	return (v * hashMul) >> (32 - hashBits)
}

// chains fills bucketPrev for every position that starts 4 bytes.
//
// compress/flate inserts each such position into its hash chains exactly
// once, in increasing order, before it searches from any later position, so
// the chain a search walks from position p is always: every earlier position
// with p's hash, latest first (see earlier). Here the positions are linked
// up front through a bucket table small enough to clear cheaply.
func (e *encoder) chains(data []byte) {
	last := len(data) - 3 // positions < last have 4 bytes
	if last <= 0 {
		return
	}
	// About four buckets a position: a bucket shared by several hashes
	// costs its walks a step per other hash, and clearing the table costs
	// little next to the payloads of tokens. Past 1 KiB, sixteen a position
	// (the whole hash from 8 KiB), so that input made to share buckets
	// walks at most a few more steps than compress/flate's chains.
	bb := bits.Len(uint(len(data))) + 2
	if len(data) > 1024 {
		bb += 2
	}
	bb = min(hashBits, max(8, bb))
	mask := uint32(1)<<bb - 1
	if cap(e.head) < 1<<bb {
		e.head = make([]uint16, 1<<bb)
	}
	head := e.head[:1<<bb]
	clear(head)
	next := data[3 : 3+last] // the fourth byte of each position's 4
	prev := e.bucketPrev[:len(next)]
	v := uint32(data[0])<<16 | uint32(data[1])<<8 | uint32(data[2])
	for p, c := range next {
		v = v<<8 | uint32(c)
		b := (v * hashMul) >> (32 - hashBits) & mask
		prev[p] = head[b]
		head[b] = uint16(p + 1)
	}
}

// linked returns the first position from p on with a bucket link (every
// position with a chain has one), or len(prev) if there is none; it looks
// at four positions at a time.
func linked(prev []uint16, p int) int {
	for ; p+4 <= len(prev); p += 4 {
		if q := prev[p : p+4 : p+4]; q[0]|q[1]|q[2]|q[3] != 0 {
			break
		}
	}
	for p < len(prev) && prev[p] == 0 {
		p++
	}
	return p
}

// earlier returns the latest position before p whose 4 bytes have the hash
// h, p's, or -1.
func (e *encoder) earlier(data []byte, p int, h uint32) int {
	q := int(e.bucketPrev[p]) - 1
	for q >= 0 && hash4(data[q:]) != h {
		q = int(e.bucketPrev[q]) - 1
	}
	return q
}

// matchLen is the length of the common prefix of a and b, at most limit;
// both hold at least limit bytes.
func matchLen(a, b []byte, limit int) int {
	a, b = a[:limit], b[:limit]
	n := 0
	for len(a)-n >= 8 {
		x := leUint64(a[n:]) ^ leUint64(b[n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < len(a) && a[n] == b[n] {
		n++
	}
	return n
}

func leUint64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// findMatch walks the chain from candidate and returns the longest match at
// pos longer than 3 bytes, or ok false. lookahead (> 3) is the number of
// bytes from pos to the end. A longer match replaces the best one only when
// it is longer; a 4-byte match only within farLimit; the walk stops at
// niceLength (or the lookahead) or after chainLimit candidates.
func (e *encoder) findMatch(data []byte, pos, candidate, lookahead int) (length, dist int, ok bool) {
	limit := min(maxMatch, lookahead)
	win := data[:pos+limit]
	nice := min(limit, niceLength)
	cur := win[pos:]
	length = minMatch - 1
	end := cur[length]
	h := hash4(cur)
	for i, tries := candidate, chainLimit; tries > 0; tries-- {
		if win[i+length] == end {
			n := matchLen(win[i:], cur, limit)
			if n > length && (n > minMatch || pos-i <= farLimit) {
				length, dist, ok = n, pos-i, true
				if n >= nice {
					break
				}
				end = cur[n]
			}
		}
		i = e.earlier(data, i, h)
		if i < 0 {
			break
		}
	}
	return length, dist, ok
}

// parse finds the matches of data with compress/flate's lazy matching: a
// match found at one position is emitted only if the search from the next
// position finds nothing longer; a match of lazyLimit bytes or more is taken
// without that second search. It counts the symbol frequencies as it goes.
func (e *encoder) parse(data []byte) {
	lit, dist := &e.lit, &e.dist
	clear(lit[:])
	clear(dist[:])
	seen := &e.seen
	clear(seen[:])
	lengthsUsed := uint32(0)
	cost, matched := 0, 0
	ms := e.matches[:0]
	n := len(data)
	positions := max(n-3, 0) // positions with 4 bytes
	prev := e.bucketPrev[:positions]
	litStart := 0 // the literals not yet counted start here
	index := 0
	// prevLength and prevDist are the match found at index-1, if
	// prevLength >= minMatch (it is then emitted or passed over at index).
	prevLength, prevDist := minMatch-1, 0
	for index < n {
		if prevLength < minMatch {
			// No match pending: a position without a chain is a
			// literal, and nothing more happens there.
			if index = linked(prev, index); index >= positions {
				break
			}
		}
		length, d := minMatch-1, 0
		if index < positions && prevLength < lazyLimit {
			if chain := e.earlier(data, index, hash4(data[index:])); chain >= 0 && n-index > prevLength {
				if l, dd, ok := e.findMatch(data, index, chain, n-index); ok {
					length, d = l, dd
				}
			}
		}
		if prevLength >= minMatch && length <= prevLength {
			start := index - 1
			countLiterals(lit, seen, data[litStart:start])
			ms = append(ms, match{uint32(start), uint32(prevLength-3)<<16 | uint32(prevDist-1)})
			s := 257 + int(lengthCode[uint8(prevLength-3)])
			lit[s]++
			lengthsUsed |= 1 << (s - 256)
			cost += int(fixedLitLens[s]) + 5
			matched += prevLength
			dist[distCode(uint32(prevDist-1))]++
			index = start + prevLength
			litStart = index
			prevLength = minMatch - 1
			continue
		}
		prevLength, prevDist = length, d
		index++
	}
	countLiterals(lit, seen, data[litStart:])
	e.literals = n - matched
	e.lengthsUsed = lengthsUsed
	e.matches = ms
	e.fixedCost = cost
}

// countLiterals counts the bytes of run as literals and marks them seen.
func countLiterals(lit *[numLitLen]int32, seen *[256]uint8, run []byte) {
	for _, b := range run {
		lit[b]++
		seen[b] = 1
	}
}

// literalSet returns the set of literal/length symbols used: the literals
// seen, the end of block, and the length symbols of lengthsUsed.
func (e *encoder) literalSet() (set symbolSet) {
	for w := range 4 {
		var word uint64
		for k := range 8 {
			// Eight bytes of 0 or 1 to eight bits, byte i to bit i.
			x := leUint64(e.seen[w*64+k*8:])
			word |= (x * 0x0102040810204080) >> 56 << (8 * k)
		}
		set[w] = word
	}
	set[4] = uint64(e.lengthsUsed) | 1
	return set
}
