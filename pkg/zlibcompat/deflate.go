package zlibcompat

// This file follows zlib 1.2.13 deflate.c: the window, the hash chains,
// fill_window, longest_match, deflate_fast and deflate_slow. Names in the
// comments are zlib's, so each step can be checked against the C source.

const (
	zDeflated = 8 // Z_DEFLATED, the only compression method

	wBits      = 15           // MAX_WBITS: 32 KiB window
	wSize      = 1 << wBits   // w_size
	wMask      = wSize - 1    // w_mask
	windowSize = 2 * wSize    // window_size: the window buffer is twice w_size
	memLevel   = 8            // DEF_MEM_LEVEL
	hashBits   = memLevel + 7 // hash_bits
	hashSize   = 1 << hashBits
	hashMask   = hashSize - 1
	// hashShift makes a hash depend on exactly the last minMatch bytes.
	hashShift = (hashBits + minMatch - 1) / minMatch

	minMatch = 3   // MIN_MATCH
	maxMatch = 258 // MAX_MATCH
	// minLookahead is MIN_LOOKAHEAD: enough lookahead for a maximal match
	// plus the next minimal one.
	minLookahead = maxMatch + minMatch + 1
	// maxDist is MAX_DIST(s): the farthest usable match distance, kept below
	// w_size so that a match never reaches into the part of the window that
	// fill_window is about to overwrite.
	maxDist = wSize - minLookahead
	// tooFar is TOO_FAR: deflate_slow drops length-3 matches farther back.
	tooFar = 4096

	litBufSize = 1 << (memLevel + 6) // lit_bufsize
	// symLimit is sym_end/3: a block ends when the symbol buffer holds this
	// many literal or match symbols.
	symLimit = litBufSize - 1

	windowSlack = maxMatch + minMatch

	nilPos = 0 // NIL: the end of a hash chain (position 0 is never matched)
)

// config is one row of deflate.c's configuration_table.
type config struct {
	good  int // reduce the lazy search above this match length
	lazy  int // max_lazy_match (deflate_slow) or max_insert_length (fast)
	nice  int // stop searching when a match this long is found
	chain int // max_chain_length
	slow  bool
}

// configTable is configuration_table for levels 1-9 (level 0 is stored).
var configTable = [10]config{
	1: {4, 4, 8, 4, false},
	2: {4, 5, 16, 8, false},
	3: {4, 6, 32, 32, false},
	4: {4, 4, 16, 16, true},
	5: {8, 16, 32, 32, true},
	6: {8, 16, 128, 128, true},
	7: {8, 32, 128, 256, true},
	8: {32, 128, 258, 1024, true},
	9: {32, 258, 258, 4096, true},
}

// sym is one entry of the symbol buffer (sym_buf): a literal when dist is
// 0, otherwise a match of length lc+minMatch at distance dist.
type sym struct {
	dist uint16
	lc   uint8
}

// deflater is deflate_state for one compress2 call.
type deflater struct {
	in    []byte // the input not yet read into the window (next_in)
	cfg   config
	level int

	// window holds windowSize bytes; the slack after it is never read by
	// the algorithm (strstart stays below windowSize-minLookahead whenever
	// a match is searched) and only guards against out-of-range reads.
	window [windowSize + windowSlack]byte
	prev   [wSize]uint16    // previous position with the same hash, by position & wMask
	head   [hashSize]uint16 // most recent position of each hash

	insH        uint32 // ins_h: hash of the string being inserted
	blockStart  int    // block_start: window index where the block began; negative once slid out
	strstart    int    // start of the string to insert / match
	matchStart  int    // start of the match found by longestMatch
	lookahead   int    // valid bytes at strstart
	prevLength  int    // length of the best match at the previous step
	prevMatch   int    // its start
	matchLength int    // length of the best match at this step
	matchAvail  bool   // match_available: a literal is pending at strstart-1
	insert      int    // bytes at the end of the window not yet hashed

	syms []sym // sym_buf of the current block

	trees
	bw bitWriter
}

// reset prepares d for compressing in, appending output to out
// (deflateInit2 + lm_init + _tr_init).
func (d *deflater) reset(in []byte, level int, out []byte) {
	d.in = in
	d.cfg = configTable[level]
	d.level = level
	// Go memory starts zeroed; zlib zeroes the bytes past the data it reads
	// (high_water) so that longest_match never compares uninitialised bytes.
	// Clearing the whole window reproduces those reads exactly.
	clear(d.window[:])
	clear(d.prev[:])
	clear(d.head[:])
	d.insH = 0
	d.blockStart = 0
	d.strstart = 0
	d.matchStart = 0
	d.lookahead = 0
	d.prevLength = minMatch - 1
	d.prevMatch = 0
	d.matchLength = minMatch - 1
	d.matchAvail = false
	d.insert = 0
	if cap(d.syms) < symLimit {
		d.syms = make([]sym, 0, symLimit)
	}
	d.syms = d.syms[:0]
	d.bw = bitWriter{out: out}
	d.initBlock()
}

// release drops the references to caller memory before d is pooled.
func (d *deflater) release() {
	d.in = nil
	d.bw.out = nil
}

// run compresses all of d.in as one deflate(Z_FINISH) call would.
func (d *deflater) run() {
	if d.cfg.slow {
		d.deflateSlow()
	} else {
		d.deflateFast()
	}
	d.bw.windup()
}

// updateHash is UPDATE_HASH: roll byte c into ins_h.
func (d *deflater) updateHash(c byte) {
	d.insH = ((d.insH << hashShift) ^ uint32(c)) & hashMask
}

// insertString is INSERT_STRING: hash the three bytes at str, link str into
// its chain and return the previous head of the chain.
func (d *deflater) insertString(str int) int {
	d.updateHash(d.window[str+minMatch-1])
	h := d.head[d.insH]
	d.prev[str&wMask] = h
	d.head[d.insH] = uint16(str)
	return int(h)
}

// slideHash is slide_hash: after the window moved down by wSize, move every
// chain link with it, dropping the ones that fell out.
func (d *deflater) slideHash() {
	for i, m := range d.head {
		if m >= wSize {
			d.head[i] = m - wSize
		} else {
			d.head[i] = nilPos
		}
	}
	for i, m := range d.prev {
		if m >= wSize {
			d.prev[i] = m - wSize
		} else {
			d.prev[i] = nilPos
		}
	}
}

// fillWindow is fill_window: slide the window when strstart has passed
// wSize+maxDist, then read as much input as fits and hash any bytes left
// over for insertion.
func (d *deflater) fillWindow() {
	for {
		more := windowSize - d.lookahead - d.strstart
		if d.strstart >= wSize+maxDist {
			// zlib 1.2.13 copies only the bytes in use (wsize - more); the
			// rest of the lower half keeps its old contents, which
			// longest_match may read past the end of the input.
			copy(d.window[:wSize-more], d.window[wSize:2*wSize-more])
			d.matchStart -= wSize
			d.strstart -= wSize
			d.blockStart -= wSize
			if d.insert > d.strstart {
				d.insert = d.strstart
			}
			d.slideHash()
			more += wSize
		}
		if len(d.in) == 0 {
			return
		}
		at := d.strstart + d.lookahead
		n := copy(d.window[at:at+more], d.in)
		d.in = d.in[n:]
		d.lookahead += n

		if d.lookahead+d.insert >= minMatch {
			str := d.strstart - d.insert
			d.insH = uint32(d.window[str])
			d.updateHash(d.window[str+1])
			for d.insert > 0 {
				d.updateHash(d.window[str+minMatch-1])
				d.prev[str&wMask] = d.head[d.insH]
				d.head[d.insH] = uint16(str)
				str++
				d.insert--
				if d.lookahead+d.insert < minMatch {
					break
				}
			}
		}
		if d.lookahead >= minLookahead || len(d.in) == 0 {
			return
		}
	}
}

// longestMatch is longest_match: walk the hash chain from curMatch and
// return the length of the longest match at strstart that is longer than
// prevLength, recording its start in matchStart. The result never exceeds
// lookahead.
func (d *deflater) longestMatch(curMatch int) int {
	chainLength := d.cfg.chain
	w := &d.window
	scan := d.strstart
	bestLen := d.prevLength
	niceMatch := d.cfg.nice
	limit := nilPos
	if d.strstart > maxDist {
		limit = d.strstart - maxDist
	}
	scanEnd1 := w[scan+bestLen-1]
	scanEnd := w[scan+bestLen]

	// Do not waste too much time if we already have a good match.
	if d.prevLength >= d.cfg.good {
		chainLength >>= 2
	}
	// Do not look for matches beyond the end of the input.
	if niceMatch > d.lookahead {
		niceMatch = d.lookahead
	}
	for {
		m := curMatch
		// Skip unless the bytes at bestLen and bestLen-1 and the first two
		// bytes match. The third byte is not compared: equal hashes imply
		// it is equal (zlib relies on this too).
		if w[m+bestLen] == scanEnd && w[m+bestLen-1] == scanEnd1 &&
			w[m] == w[scan] && w[m+1] == w[scan+1] {
			n := 3
			for n < maxMatch && w[scan+n] == w[m+n] {
				n++
			}
			if n > bestLen {
				d.matchStart = curMatch
				bestLen = n
				if n >= niceMatch {
					break
				}
				scanEnd1 = w[scan+bestLen-1]
				scanEnd = w[scan+bestLen]
			}
		}
		curMatch = int(d.prev[curMatch&wMask])
		if curMatch <= limit {
			break
		}
		chainLength--
		if chainLength == 0 {
			break
		}
	}
	if bestLen <= d.lookahead {
		return bestLen
	}
	return d.lookahead
}

// tallyLit is _tr_tally_lit; it reports whether the symbol buffer is full.
func (d *deflater) tallyLit(c byte) bool {
	d.syms = append(d.syms, sym{dist: 0, lc: c})
	d.dynL[c].fc++
	return len(d.syms) == symLimit
}

// tallyDist is _tr_tally_dist for a match of length minMatch+lc at distance
// dist; it reports whether the symbol buffer is full.
func (d *deflater) tallyDist(dist, lc int) bool {
	d.syms = append(d.syms, sym{dist: uint16(dist), lc: uint8(lc)})
	d.dynL[int(lengthCode[lc])+literals+1].fc++
	d.dynD[dCode(dist-1)].fc++
	return len(d.syms) == symLimit
}

// flushBlockOnly is FLUSH_BLOCK_ONLY: emit the current block, covering the
// input from block_start to strstart.
func (d *deflater) flushBlockOnly(last bool) {
	var buf []byte
	storedLen := d.strstart - d.blockStart
	if d.blockStart >= 0 {
		buf = d.window[d.blockStart:d.strstart]
	}
	d.flushBlock(buf, storedLen, last)
	d.blockStart = d.strstart
}

// deflateFast is deflate_fast (levels 1-3): no lazy evaluation; a match is
// taken as soon as it is found, and only matches of at most
// max_insert_length bytes have their strings inserted into the hash table.
func (d *deflater) deflateFast() {
	for {
		if d.lookahead < minLookahead {
			d.fillWindow()
			if d.lookahead == 0 {
				break
			}
		}
		hashHead := nilPos
		if d.lookahead >= minMatch {
			hashHead = d.insertString(d.strstart)
		}
		if hashHead != nilPos && d.strstart-hashHead <= maxDist {
			d.matchLength = d.longestMatch(hashHead)
		}
		var bflush bool
		if d.matchLength >= minMatch {
			bflush = d.tallyDist(d.strstart-d.matchStart, d.matchLength-minMatch)
			d.lookahead -= d.matchLength
			if d.matchLength <= d.cfg.lazy && d.lookahead >= minMatch {
				d.matchLength-- // string at strstart already in table
				for {
					d.strstart++
					d.insertString(d.strstart)
					d.matchLength--
					if d.matchLength == 0 {
						break
					}
				}
				d.strstart++
			} else {
				d.strstart += d.matchLength
				d.matchLength = 0
				d.insH = uint32(d.window[d.strstart])
				d.updateHash(d.window[d.strstart+1])
			}
		} else {
			bflush = d.tallyLit(d.window[d.strstart])
			d.lookahead--
			d.strstart++
		}
		if bflush {
			d.flushBlockOnly(false)
		}
	}
	d.insert = min(d.strstart, minMatch-1)
	d.flushBlockOnly(true)
}

// deflateSlow is deflate_slow (levels 4-9): lazy evaluation. A match is
// only emitted if the match found at the next position is not longer.
func (d *deflater) deflateSlow() {
	for {
		if d.lookahead < minLookahead {
			d.fillWindow()
			if d.lookahead == 0 {
				break
			}
		}
		hashHead := nilPos
		if d.lookahead >= minMatch {
			hashHead = d.insertString(d.strstart)
		}

		d.prevLength, d.prevMatch = d.matchLength, d.matchStart
		d.matchLength = minMatch - 1

		if hashHead != nilPos && d.prevLength < d.cfg.lazy && d.strstart-hashHead <= maxDist {
			d.matchLength = d.longestMatch(hashHead)
			// A length-3 match that far back costs more than its literals.
			if d.matchLength == minMatch && d.strstart-d.matchStart > tooFar {
				d.matchLength = minMatch - 1
			}
		}

		switch {
		case d.prevLength >= minMatch && d.matchLength <= d.prevLength:
			// The previous match is at least as good: emit it.
			maxInsert := d.strstart + d.lookahead - minMatch
			bflush := d.tallyDist(d.strstart-1-d.prevMatch, d.prevLength-minMatch)
			// Insert the strings of the match into the hash table, except
			// the last two, which were or will be inserted already.
			d.lookahead -= d.prevLength - 1
			d.prevLength -= 2
			for {
				d.strstart++
				if d.strstart <= maxInsert {
					d.insertString(d.strstart)
				}
				d.prevLength--
				if d.prevLength == 0 {
					break
				}
			}
			d.matchAvail = false
			d.matchLength = minMatch - 1
			d.strstart++
			if bflush {
				d.flushBlockOnly(false)
			}
		case d.matchAvail:
			// No better match than the current one: emit the previous byte
			// as a literal and keep the current match pending.
			if d.tallyLit(d.window[d.strstart-1]) {
				d.flushBlockOnly(false)
			}
			d.strstart++
			d.lookahead--
		default:
			// Nothing to emit yet: wait one step to compare.
			d.matchAvail = true
			d.strstart++
			d.lookahead--
		}
	}
	if d.matchAvail {
		d.tallyLit(d.window[d.strstart-1])
		d.matchAvail = false
	}
	d.insert = min(d.strstart, minMatch-1)
	d.flushBlockOnly(true)
}
