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
	keyHalf     = 512 // a power of two above numLitLen
)

// codeBuilder computes length-limited prefix codes the way compress/flate
// does; its scratch space is reused between blocks.
type codeBuilder struct {
	// keyBuf holds the keys freq<<9 | symbol, sorted ascending, from 0;
	// sorted collects the keys of frequency 2 or more from keyHalf.
	keyBuf [2 * keyHalf]uint32
	count  [sortCountMx + 1]int32 // counting-sort buckets by frequency
	byRank []int32                // frequencies in sorted order, plus a sentinel
	counts [maxCodeBits + 1]int32
	chain  []chainLink
	weight [numLitLen]int32
	// ones is the number of weights 1 laid out in weight.
	ones int
}

// symbolSet is a set of symbols of an alphabet of at most 320: bit s%64 of
// word s/64 is set when symbol s is in it.
type symbolSet [5]uint64

// usedSet is the set of symbols with a non-zero frequency.
func usedSet(freq []int32) (set symbolSet) {
	for s, f := range freq {
		set[s>>6] |= uint64(uint32(-f)>>31) << (s & 63)
	}
	return set
}

// lengths sets out[s] to the code length of symbol s for the frequencies
// freq (len(out) == len(freq)): 0 for unused symbols, at most maxBits, and
// returns the bits the symbols take, Σ freq·length. used is the set of
// symbols with a non-zero frequency. Symbols are ranked by frequency, equal
// frequencies by symbol; the most frequent get the shortest codes. With one
// or two symbols used, each gets length 1. It reports false on a state the
// construction should never reach, so that the caller can fall back to
// compress/flate. If hist is not nil, hist[l] is increased by the number of
// symbols of length l.
func (c *codeBuilder) lengths(freq []int32, used *symbolSet, maxBits int, out []uint8, hist *[maxCodeBits + 1]int32) (int, bool) {
	clear(out)
	keys := c.sorted(freq, used)
	n := len(keys)
	cost := 0
	if n <= 2 {
		for _, k := range keys {
			out[k&511] = 1
			cost += int(k >> 9)
		}
		if hist != nil {
			hist[1] += int32(n)
		}
		return cost, true
	}
	// Within the limit, the code's cost is the one the merging summed.
	counts, cost, ok := c.huffmanCounts(keys, maxBits)
	limited := !ok
	if limited {
		// The Huffman code is too deep: the limit shapes the code, whose
		// cost is summed below.
		if counts, ok = c.bitCounts(keys, maxBits); !ok {
			return 0, false
		}
		cost = 0
	}
	// The most frequent symbols (the end of keys) get the shortest codes.
	i := n
	for l := 1; l < len(counts) && i > 0; l++ {
		m := int(counts[l])
		if hist != nil {
			hist[l] += int32(m)
		}
		if m > i {
			return 0, false
		}
		i -= m
		seg := keys[i : i+m]
		for _, k := range seg {
			out[k&511] = uint8(l)
		}
		if limited {
			for _, k := range seg {
				cost += int(k>>9) * l
			}
		}
	}
	return cost, i == 0
}

// sorted returns the symbols of used as keys freq<<9|symbol in ascending
// order; used must be exactly the symbols of freq with a non-zero frequency.
//
// The symbols used once, most of them in a token's payload, come first, in
// symbol order as they are collected; only the others need sorting. Keys
// are distinct (they hold the symbol), so any sort orders them the same.
func (c *codeBuilder) sorted(freq []int32, used *symbolSet) []uint32 {
	buf := &c.keyBuf
	n1, n2 := 0, keyHalf
	top := int32(0)
	for w, word := range used[:(len(freq)+63)>>6] {
		for ; word != 0; word &= word - 1 {
			s := w<<6 | bits.TrailingZeros64(word)
			f := freq[s]
			// Written to both lists, kept (a cursor advances) in one:
			// no branch on the frequency. (The cursors stay within
			// their halves: masked, they need no bounds check.)
			k := uint32(f)<<9 | uint32(s)
			buf[n1&(keyHalf-1)] = k
			buf[n2&(2*keyHalf-1)] = k
			once := int(uint32(f-2) >> 31) // f == 1
			n1 += once
			n2 += 1 - once
			top = max(top, f)
		}
	}
	n2 -= keyHalf
	keys := buf[:n1+n2]
	rest := buf[keyHalf : keyHalf+n2]
	weight := c.weight[:n1+n2]
	for i := range weight[:n1] {
		weight[i] = 1
	}
	c.ones = n1
	switch {
	case n2 <= 1 || top >= sortCountMx:
		slices.Sort(rest)
		copy(keys[n1:], rest)
		for i, k := range rest {
			weight[n1+i] = int32(k >> 9)
		}
	default:
		// A counting sort by frequency (2 to top), stable, so equal
		// frequencies stay in symbol order.
		cnt := c.count[:top+1]
		clear(cnt)
		for _, k := range rest {
			cnt[k>>9]++
		}
		pos := int32(n1)
		for f := 2; f <= int(top); f++ {
			n := cnt[f]
			cnt[f] = pos
			pos += n
		}
		for _, k := range rest {
			f := k >> 9
			keys[cnt[f]] = k
			weight[cnt[f]] = int32(f)
			cnt[f]++
		}
	}
	return keys
}

// huffmanCounts returns how many symbols get an l-bit code (index l) in the
// Huffman code of the sorted keys (at least three), built by merging the two
// lightest items, taking a merged item before a leaf of equal weight; ok is
// false if the code is deeper than maxBits. Whenever it is not deeper, this
// is the same count as the boundary package-merge of bitCounts gives
// (TestHuffmanMatchesPackageMerge, FuzzCodeLengths), at a fraction of the
// cost; compress/flate always runs the package-merge. cost is the code's
// cost, Σ freq·length.
//
// The weights are those sorted laid out for the keys.
func (c *codeBuilder) huffmanCounts(keys []uint32, maxBits int) (counts []int32, cost int, ok bool) {
	n := len(keys)
	a := c.weight[:n]
	cost = c.merge(n)
	// Depths of the merged items, from the root (item n-2) down.
	a[n-2] = 0
	for j := n - 3; j >= 0; j-- {
		a[j] = a[a[j]] + 1
	}
	// At each depth, the places not taken by merged items are leaves.
	counts = c.counts[:maxBits+1]
	clear(counts)
	avail, depth := 1, 0
	for j := n - 2; avail > 0; depth++ {
		used := 0
		for j >= 0 && int(a[j]) == depth {
			used++
			j--
		}
		if leaves := avail - used; leaves > 0 {
			if depth > maxBits {
				return nil, 0, false
			}
			counts[depth] = int32(leaves)
		}
		avail = 2 * used
	}
	return counts, cost, true
}

// merge runs the merging of the Huffman construction over the n (at least
// two) weights laid out in c.weight, in ascending order, of which c.ones
// are 1, and returns the code's cost, Σ freq·length, which is the sum of
// the merged weights. It leaves in c.weight[j] the parent of merged item j
// (item n-2 is the root).
//
// The construction is Moffat and Katajainen's in place ("In-place
// calculation of minimum-redundancy codes", 1995): one array holds the
// weights, then the parent of each merged item, then its depth.
func (c *codeBuilder) merge(n int) int {
	a := c.weight[:n]
	// Merged item j goes to a[j] (its weight, then its parent), below the
	// leaves still to be taken (leaf > j always).
	a[0] += a[1]
	cost := int(a[0])
	root, leaf, next := 0, 2, 1
	// While two leaves of weight 1 remain they are the two lightest items
	// (every merged item weighs 2 or more): they pair without comparing.
	for ones := c.ones; leaf+1 < ones; leaf += 2 {
		a[next] = 2
		cost += 2
		next++
	}
	for ; next < n-1; next++ {
		if leaf >= n || a[root] <= a[leaf] {
			a[next] = a[root]
			a[root] = int32(next)
			root++
		} else {
			a[next] = a[leaf]
			leaf++
		}
		if leaf >= n || (root < next && a[root] <= a[leaf]) {
			a[next] += a[root]
			a[root] = int32(next)
			root++
		} else {
			a[next] += a[leaf]
			leaf++
		}
		cost += int(a[next])
	}
	return cost
}

// huffmanCost returns the cost Σ freq·length of the Huffman code of freq
// without a length limit (used holds the symbols with a non-zero
// frequency): a lower bound of the cost of any code of freq, and the cost
// of the code lengths gives when that is no deeper than its limit.
func (c *codeBuilder) huffmanCost(freq []int32, used *symbolSet) int {
	keys := c.sorted(freq, used)
	if len(keys) <= 2 {
		cost := 0
		for _, k := range keys {
			cost += int(k >> 9)
		}
		return cost
	}
	return c.merge(len(keys))
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
