package gozlib

import (
	"math"
	"math/bits"
	"slices"
)

// Alphabet sizes of RFC 1951 §3.2.5-3.2.7.
const (
	numLitLen   = 286 // literals 0-255, end of block 256, lengths 257-285
	numDist     = 30
	numCodeLen  = 19
	endOfBlock  = 256
	maxCodeBits = 15
	maxCLBits   = 7 // code-length code
	sortCountMx = 1024
)

// codeBuilder computes length-limited prefix codes the way compress/flate
// does; its scratch space is reused between blocks.
type codeBuilder struct {
	keyBuf [numLitLen]uint32 // freq<<9 | symbol, sorted ascending
	tmp    [numLitLen]uint32
	count  [sortCountMx + 1]int32 // counting-sort buckets by frequency
	byRank []int32                // frequencies in sorted order, plus a sentinel
	counts [maxCodeBits + 1]int32
	chain  []chainLink
	merged [numLitLen]int32
	weight [numLitLen + 1]int32
	parent [2 * numLitLen]int16
	depth  [2 * numLitLen]uint8
}

// lengths sets out[s] to the code length of symbol s for the frequencies
// freq (len(out) == len(freq)): 0 for unused symbols, at most maxBits, and
// returns the bits the symbols take, Σ freq·length. Symbols are ranked by
// frequency, equal frequencies by symbol; the most frequent get the
// shortest codes. With one or two symbols used, each gets length 1. It
// reports false on a state the construction should never reach, so that the
// caller can fall back to compress/flate.
//
// used, if not nil, has bit s set for every symbol s with a non-zero
// frequency (and no other), so that only those are visited.
func (c *codeBuilder) lengths(freq []int32, used []uint64, maxBits int, out []uint8) (int, bool) {
	clear(out)
	keys := c.sorted(freq, used)
	n := len(keys)
	cost := 0
	if n <= 2 {
		for _, k := range keys {
			out[k&511] = 1
			cost += int(k >> 9)
		}
		return cost, true
	}
	counts, ok := c.huffmanCounts(keys, maxBits)
	if !ok {
		// The Huffman code is too deep: the limit shapes the code.
		if counts, ok = c.bitCounts(keys, maxBits); !ok {
			return 0, false
		}
	}
	// The most frequent symbols (the end of keys) get the shortest codes.
	i := n
	for l := 1; l < len(counts); l++ {
		for range counts[l] {
			i--
			out[keys[i]&511] = uint8(l)
			cost += int(keys[i]>>9) * l
		}
	}
	return cost, i == 0
}

// sorted returns the used symbols as keys freq<<9|symbol in ascending order.
func (c *codeBuilder) sorted(freq []int32, used []uint64) []uint32 {
	all := c.keyBuf[:len(freq)]
	n := 0
	top := int32(0)
	if used != nil {
		for w, word := range used {
			for word != 0 {
				s := w<<6 | bits.TrailingZeros64(word)
				word &= word - 1
				f := freq[s]
				all[n] = uint32(f)<<9 | uint32(s)
				n++
				top = max(top, f)
			}
		}
	} else {
		for s, f := range freq {
			// Written for every symbol, kept (n advances) only when
			// used: no branch on the frequency.
			all[n] = uint32(f)<<9 | uint32(s)
			n += int(uint32(-f) >> 31)
			top = max(top, f)
		}
	}
	keys := all[:n]
	if n <= 2 {
		return keys
	}
	if top >= sortCountMx {
		slices.Sort(keys)
		return keys
	}
	// A stable counting sort by frequency keeps equal frequencies in symbol
	// order, which is the order the keys were collected in.
	cnt := c.count[:top+2]
	clear(cnt)
	for _, k := range keys {
		cnt[k>>9+1]++
	}
	for f := 1; f < len(cnt); f++ {
		cnt[f] += cnt[f-1]
	}
	tmp := c.tmp[:n]
	for _, k := range keys {
		f := k >> 9
		tmp[cnt[f]] = k
		cnt[f]++
	}
	copy(keys, tmp)
	return keys
}

// huffmanCounts returns how many symbols get an l-bit code (index l) in the
// Huffman code of the sorted keys (at least three), built by merging the two
// lightest items, taking a merged item before a leaf of equal weight; ok is
// false if the code is deeper than maxBits. Whenever it is not deeper, this
// is the same count as the boundary package-merge of bitCounts gives
// (TestHuffmanMatchesPackageMerge, FuzzCodeLengths), at a fraction of the
// cost; compress/flate always runs the package-merge.
func (c *codeBuilder) huffmanCounts(keys []uint32, maxBits int) ([]int32, bool) {
	n := len(keys)
	// Nodes 0..n-1 are the leaves in key order, n.. the merged items in the
	// order they are made (so by non-decreasing weight, a queue). Both
	// queues end in a sentinel heavier than any item.
	const inf = math.MaxInt32
	w := c.weight[:n+1]
	for i, k := range keys {
		w[i] = int32(k >> 9)
	}
	w[n] = inf
	merged := c.merged[:n]
	parent := c.parent[:2*n-1]
	leaf, head := 0, 0
	for m := range n - 1 {
		merged[m] = inf
		var sum int32
		for range 2 {
			if lw, mw := w[leaf], merged[head]; lw < mw {
				sum += lw
				parent[leaf] = int16(n + m)
				leaf++
			} else {
				sum += mw
				parent[n+head] = int16(n + m)
				head++
			}
		}
		merged[m] = sum
	}
	// Depths from the root down: a parent is always made after its children.
	depth := c.depth[:2*n-1]
	depth[2*n-2] = 0
	for i := 2*n - 3; i >= n; i-- {
		depth[i] = depth[parent[i]] + 1
	}
	counts := c.counts[:maxBits+1]
	clear(counts)
	for i := range n {
		d := int(depth[parent[i]]) + 1
		if d > maxBits {
			return nil, false
		}
		counts[d]++
	}
	return counts, true
}

// level is the state of one list of the boundary package-merge construction
// (Katajainen, Moffat and Turpin, "A fast and space-economical algorithm for
// length-limited coding", 1995): list L holds leaves and packages of the two
// cheapest items of list L-1, built lazily from the lowest cost up. On equal
// weights a package is taken before a leaf.
type level struct {
	last     int32 // weight of the item taken last
	nextLeaf int32 // weight of the next leaf not yet taken
	nextPkg  int32 // weight of the next package from the list below
	needed   int32 // items this list must still produce
	// The boundary chain of the item taken last: how many leaves it takes
	// from this list (own), and the chain it continues in the lists below
	// (tail, an index into codeBuilder.chain, or -1 for none).
	own  int32
	tail int32
}

// chainLink is a frozen chain: the leaf count of one list and the link to
// the lists below it.
type chainLink struct{ own, tail int32 }

// bitCounts returns, for l = 1..maxBits' (maxBits, or one less than the
// number of symbols if that is smaller), how many symbols get an l-bit code,
// for the sorted keys (at least three).
func (c *codeBuilder) bitCounts(keys []uint32, maxBits int) ([]int32, bool) {
	n := int32(len(keys))
	w := c.byRank[:0]
	for _, k := range keys {
		w = append(w, int32(k>>9))
	}
	w = append(w, math.MaxInt32) // sentinel: no more leaves
	c.byRank = w
	top := min(int32(maxBits), n-1)

	const inf = math.MaxInt32
	var lists [maxCodeBits + 2]level
	for l := int32(1); l <= top; l++ {
		lists[l] = level{last: w[1], nextLeaf: w[2], nextPkg: w[0] + w[1], own: 2, tail: -1}
	}
	lists[1].nextPkg = inf
	lists[top].needed = 2*n - 4
	links := c.chain[:0]

	l := top
	for {
		cur := &lists[l]
		if cur.nextPkg == inf && cur.nextLeaf == inf {
			cur.needed = 0
			if l+1 > top {
				return nil, false
			}
			lists[l+1].nextPkg = inf
			l++
			continue
		}
		before := cur.last
		if cur.nextLeaf < cur.nextPkg {
			k := cur.own + 1
			if k > n {
				return nil, false
			}
			cur.last = cur.nextLeaf
			cur.own = k
			cur.nextLeaf = w[k]
		} else {
			if l < 2 {
				return nil, false
			}
			cur.last = cur.nextPkg
			below := &lists[l-1]
			cur.tail = int32(len(links))
			links = append(links, chainLink{below.own, below.tail})
			below.needed = 2
		}
		cur.needed--
		if cur.needed == 0 {
			if l == top {
				break
			}
			lists[l+1].nextPkg = before + cur.last
			l++
			continue
		}
		for l > 1 && lists[l-1].needed > 0 {
			l--
		}
	}
	c.chain = links
	if lists[top].own != n {
		return nil, false
	}
	// leaves[j]: leaves the final chain takes from list j.
	var leaves [maxCodeBits + 2]int32
	leaves[top] = lists[top].own
	for j, t := top-1, lists[top].tail; t >= 0 && j > 0; j-- {
		leaves[j] = links[t].own
		t = links[t].tail
	}
	counts := append(c.counts[:0], 0)
	for j := top; j > 0; j-- {
		counts = append(counts, leaves[j]-leaves[j-1])
	}
	return counts, true
}

// canonical sets codes[s] to the RFC 1951 canonical code of symbol s for the
// code lengths lens, bit-reversed for LSB-first output.
func canonical(lens []uint8, codes []uint16) {
	var count [maxCodeBits + 1]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeBits + 2]uint16
	code := uint16(0)
	for l := 1; l <= maxCodeBits; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lens {
		if l == 0 {
			codes[s] = 0
			continue
		}
		codes[s] = bits.Reverse16(next[l]) >> (16 - l)
		next[l]++
	}
}
