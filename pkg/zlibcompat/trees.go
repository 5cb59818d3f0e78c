package zlibcompat

// This file follows zlib 1.2.13 trees.c: Huffman tree construction
// (build_tree, gen_bitlen, gen_codes), the code-length tree (scan_tree,
// build_bl_tree, send_tree, send_all_trees) and the block writer
// (_tr_flush_block, _tr_stored_block, compress_block).

const (
	lengthCodes = 29                         // LENGTH_CODES
	literals    = 256                        // LITERALS
	lCodes      = literals + 1 + lengthCodes // L_CODES
	dCodes      = 30                         // D_CODES
	blCodes     = 19                         // BL_CODES
	heapSize    = 2*lCodes + 1               // HEAP_SIZE
	maxBits     = 15                         // MAX_BITS
	maxBLBits   = 7                          // MAX_BL_BITS
	endBlock    = 256                        // END_BLOCK
	rep3To6     = 16                         // REP_3_6: repeat previous length 3-6 times
	repz3To10   = 17                         // REPZ_3_10: repeat a zero length 3-10 times
	repz11To138 = 18                         // REPZ_11_138: repeat a zero length 11-138 times

	storedBlock = 0 // block types
	staticTrees = 1
	dynTrees    = 2
)

var (
	extraLBits  = [lengthCodes]int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	extraDBits  = [dCodes]int{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	extraBLBits = [blCodes]int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7}
	// blOrder is the order in which code-length code lengths are sent.
	blOrder = [blCodes]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// ctData is zlib's ct_data: two 16-bit unions. fc is the frequency while a
// tree is built and the code afterwards; dl is the parent ("dad") while the
// tree is built and the bit length afterwards. gen_bitlen depends on the
// overlap (a node's parent has already had its dad replaced by its length),
// so the unions are kept.
type ctData struct {
	fc uint16 // Freq / Code
	dl uint16 // Dad / Len
}

// staticDesc is static_tree_desc.
type staticDesc struct {
	tree      []ctData // static tree or nil
	extraBits []int
	extraBase int
	elems     int
	maxLength int
}

// Static tables computed as tr_static_init does.
var (
	staticLTree [lCodes + 2]ctData
	staticDTree [dCodes]ctData
	lengthCode  [maxMatch - minMatch + 1]uint8 // _length_code
	distCode    [512]uint8                     // _dist_code
	baseLength  [lengthCodes]int
	baseDist    [dCodes]int

	staticLDesc, staticDDesc, staticBLDesc staticDesc
)

func init() {
	length := 0
	code := 0
	for ; code < lengthCodes-1; code++ {
		baseLength[code] = length
		for n := 0; n < 1<<extraLBits[code]; n++ {
			lengthCode[length] = uint8(code)
			length++
		}
	}
	// Length 258 (lc 255) has its own code 285; it overwrites the last
	// entry of code 284, as in zlib.
	lengthCode[length-1] = uint8(code)

	dist := 0
	for code = 0; code < 16; code++ {
		baseDist[code] = dist
		for n := 0; n < 1<<extraDBits[code]; n++ {
			distCode[dist] = uint8(code)
			dist++
		}
	}
	dist >>= 7
	for ; code < dCodes; code++ {
		baseDist[code] = dist << 7
		for n := 0; n < 1<<(extraDBits[code]-7); n++ {
			distCode[256+dist] = uint8(code)
			dist++
		}
	}

	var blCount [maxBits + 1]int
	n := 0
	for ; n <= 143; n++ {
		staticLTree[n].dl = 8
		blCount[8]++
	}
	for ; n <= 255; n++ {
		staticLTree[n].dl = 9
		blCount[9]++
	}
	for ; n <= 279; n++ {
		staticLTree[n].dl = 7
		blCount[7]++
	}
	for ; n <= 287; n++ {
		staticLTree[n].dl = 8
		blCount[8]++
	}
	genCodes(staticLTree[:], lCodes+1, &blCount)
	for n := range staticDTree {
		staticDTree[n].dl = 5
		staticDTree[n].fc = uint16(biReverse(uint(n), 5))
	}

	staticLDesc = staticDesc{staticLTree[:], extraLBits[:], literals + 1, lCodes, maxBits}
	staticDDesc = staticDesc{staticDTree[:], extraDBits[:], 0, dCodes, maxBits}
	staticBLDesc = staticDesc{nil, extraBLBits[:], 0, blCodes, maxBLBits}
}

// dCode is d_code: the distance code of dist-1.
func dCode(dist int) int {
	if dist < 256 {
		return int(distCode[dist])
	}
	return int(distCode[256+(dist>>7)])
}

// biReverse reverses the low length bits of code.
func biReverse(code uint, length int) uint {
	var res uint
	for ; length > 0; length-- {
		res = res<<1 | code&1
		code >>= 1
	}
	return res
}

// genCodes is gen_codes: assign canonical codes to the lengths in tree.
func genCodes(tree []ctData, maxCode int, blCount *[maxBits + 1]int) {
	var nextCode [maxBits + 1]uint
	code := uint(0)
	for bits := 1; bits <= maxBits; bits++ {
		code = (code + uint(blCount[bits-1])) << 1
		nextCode[bits] = code & 0xffff
	}
	for n := 0; n <= maxCode; n++ {
		l := int(tree[n].dl)
		if l == 0 {
			continue
		}
		tree[n].fc = uint16(biReverse(nextCode[l], l))
		nextCode[l]++
	}
}

// treeDesc is tree_desc: a dynamic tree and its largest used code.
type treeDesc struct {
	tree    []ctData
	maxCode int
	stat    *staticDesc
}

// trees is the Huffman part of deflate_state.
type trees struct {
	dynL   [heapSize]ctData
	dynD   [2*dCodes + 1]ctData
	blTree [2*blCodes + 1]ctData

	lDesc, dDesc, blDesc treeDesc

	blCount [maxBits + 1]int
	heap    [2*lCodes + 1]int
	heapLen int
	heapMax int
	depth   [2*lCodes + 1]uint8

	optLen    uint64 // bit length of the block with the dynamic trees
	staticLen uint64 // bit length of the block with the static trees
}

// initBlock is init_block (with the descriptor set-up of _tr_init).
func (d *deflater) initBlock() {
	d.lDesc = treeDesc{tree: d.dynL[:], stat: &staticLDesc}
	d.dDesc = treeDesc{tree: d.dynD[:], stat: &staticDDesc}
	d.blDesc = treeDesc{tree: d.blTree[:], stat: &staticBLDesc}
	for n := 0; n < lCodes; n++ {
		d.dynL[n].fc = 0
	}
	for n := 0; n < dCodes; n++ {
		d.dynD[n].fc = 0
	}
	for n := 0; n < blCodes; n++ {
		d.blTree[n].fc = 0
	}
	d.dynL[endBlock].fc = 1
	d.optLen, d.staticLen = 0, 0
	d.syms = d.syms[:0]
}

// smaller is the heap order: by frequency, then by depth.
func (t *trees) smaller(tree []ctData, n, m int) bool {
	return tree[n].fc < tree[m].fc || (tree[n].fc == tree[m].fc && t.depth[n] <= t.depth[m])
}

// pqDownHeap is pqdownheap: restore the heap property from node k down.
func (t *trees) pqDownHeap(tree []ctData, k int) {
	v := t.heap[k]
	j := k << 1
	for j <= t.heapLen {
		if j < t.heapLen && t.smaller(tree, t.heap[j+1], t.heap[j]) {
			j++
		}
		if t.smaller(tree, v, t.heap[j]) {
			break
		}
		t.heap[k] = t.heap[j]
		k = j
		j <<= 1
	}
	t.heap[k] = v
}

// genBitLen is gen_bitlen: compute the bit lengths from the tree, limit
// them to the descriptor's maximum and update optLen and staticLen.
func (t *trees) genBitLen(desc *treeDesc) {
	tree := desc.tree
	maxCode := desc.maxCode
	stree := desc.stat.tree
	extra := desc.stat.extraBits
	base := desc.stat.extraBase
	maxLength := desc.stat.maxLength
	overflow := 0

	for bits := range t.blCount {
		t.blCount[bits] = 0
	}
	// The root has length 0; walk the heap from the root so every parent's
	// length is known before its children.
	tree[t.heap[t.heapMax]].dl = 0
	h := t.heapMax + 1
	for ; h < heapSize; h++ {
		n := t.heap[h]
		bits := int(tree[tree[n].dl].dl) + 1
		if bits > maxLength {
			bits = maxLength
			overflow++
		}
		tree[n].dl = uint16(bits)
		if n > maxCode {
			continue // not a leaf
		}
		t.blCount[bits]++
		xbits := 0
		if n >= base {
			xbits = extra[n-base]
		}
		f := uint64(tree[n].fc)
		t.optLen += f * uint64(bits+xbits)
		if stree != nil {
			t.staticLen += f * uint64(int(stree[n].dl)+xbits)
		}
	}
	if overflow == 0 {
		return
	}
	// Find the first bit length that could increase, move a leaf down from
	// it and give the overflowing leaf a sibling there.
	for overflow > 0 {
		bits := maxLength - 1
		for t.blCount[bits] == 0 {
			bits--
		}
		t.blCount[bits]--
		t.blCount[bits+1] += 2
		t.blCount[maxLength]--
		overflow -= 2
	}
	// Reassign the lengths in frequency order, longest first.
	for bits := maxLength; bits != 0; bits-- {
		n := t.blCount[bits]
		for n != 0 {
			h--
			m := t.heap[h]
			if m > maxCode {
				continue
			}
			if int(tree[m].dl) != bits {
				// opt_len is unsigned in zlib; the wrapping sum is exact.
				t.optLen += uint64(bits-int(tree[m].dl)) * uint64(tree[m].fc)
				tree[m].dl = uint16(bits)
			}
			n--
		}
	}
}

// buildTree is build_tree: build the Huffman tree of desc from the
// frequencies, set the bit lengths and codes, and update optLen and
// staticLen.
func (t *trees) buildTree(desc *treeDesc) {
	tree := desc.tree
	stree := desc.stat.tree
	elems := desc.stat.elems
	maxCode := -1

	t.heapLen, t.heapMax = 0, heapSize
	for n := 0; n < elems; n++ {
		if tree[n].fc != 0 {
			t.heapLen++
			t.heap[t.heapLen] = n
			maxCode = n
			t.depth[n] = 0
		} else {
			tree[n].dl = 0
		}
	}
	// The pkzip format requires at least one distance code and at least
	// two codes of non-zero frequency; force them.
	for t.heapLen < 2 {
		node := 0
		if maxCode < 2 {
			maxCode++
			node = maxCode
		}
		t.heapLen++
		t.heap[t.heapLen] = node
		tree[node].fc = 1
		t.depth[node] = 0
		t.optLen--
		if stree != nil {
			t.staticLen -= uint64(stree[node].dl)
		}
	}
	desc.maxCode = maxCode

	for n := t.heapLen / 2; n >= 1; n-- {
		t.pqDownHeap(tree, n)
	}
	node := elems
	for {
		// pqremove: n = least frequent node.
		n := t.heap[1]
		t.heap[1] = t.heap[t.heapLen]
		t.heapLen--
		t.pqDownHeap(tree, 1)
		m := t.heap[1] // next least frequent

		t.heapMax--
		t.heap[t.heapMax] = n
		t.heapMax--
		t.heap[t.heapMax] = m

		tree[node].fc = tree[n].fc + tree[m].fc
		t.depth[node] = max(t.depth[n], t.depth[m]) + 1
		tree[n].dl = uint16(node)
		tree[m].dl = uint16(node)
		t.heap[1] = node
		node++
		t.pqDownHeap(tree, 1)
		if t.heapLen < 2 {
			break
		}
	}
	t.heapMax--
	t.heap[t.heapMax] = t.heap[1]

	t.genBitLen(desc)
	genCodes(tree, maxCode, &t.blCount)
}

// scanTree is scan_tree: count the code-length symbols (with run-length
// codes 16, 17, 18) that send_tree will use for tree.
func (t *trees) scanTree(tree []ctData, maxCode int) {
	prevLen := -1
	nextLen := int(tree[0].dl)
	count := 0
	maxCount, minCount := 7, 4
	if nextLen == 0 {
		maxCount, minCount = 138, 3
	}
	tree[maxCode+1].dl = 0xffff // guard
	for n := 0; n <= maxCode; n++ {
		curLen := nextLen
		nextLen = int(tree[n+1].dl)
		count++
		if count < maxCount && curLen == nextLen {
			continue
		}
		switch {
		case count < minCount:
			t.blTree[curLen].fc += uint16(count)
		case curLen != 0:
			if curLen != prevLen {
				t.blTree[curLen].fc++
			}
			t.blTree[rep3To6].fc++
		case count <= 10:
			t.blTree[repz3To10].fc++
		default:
			t.blTree[repz11To138].fc++
		}
		count = 0
		prevLen = curLen
		switch {
		case nextLen == 0:
			maxCount, minCount = 138, 3
		case curLen == nextLen:
			maxCount, minCount = 6, 3
		default:
			maxCount, minCount = 7, 4
		}
	}
}

// buildBLTree is build_bl_tree: build the code-length tree and return the
// index in blOrder of the last code length to send.
func (d *deflater) buildBLTree() int {
	d.scanTree(d.dynL[:], d.lDesc.maxCode)
	d.scanTree(d.dynD[:], d.dDesc.maxCode)
	d.buildTree(&d.blDesc)
	maxBLIndex := blCodes - 1
	for ; maxBLIndex >= 3; maxBLIndex-- {
		if d.blTree[blOrder[maxBLIndex]].dl != 0 {
			break
		}
	}
	// 3 bits per code-length length, plus HLIT, HDIST and HCLEN.
	d.optLen += 3*uint64(maxBLIndex+1) + 5 + 5 + 4
	return maxBLIndex
}

// sendCode writes the code of symbol c of tree.
func (d *deflater) sendCode(c int, tree []ctData) {
	d.bw.sendBits(uint(tree[c].fc), int(tree[c].dl))
}

// sendTree is send_tree: write tree's code lengths with the code-length
// tree, mirroring scanTree.
func (d *deflater) sendTree(tree []ctData, maxCode int) {
	prevLen := -1
	nextLen := int(tree[0].dl)
	count := 0
	maxCount, minCount := 7, 4
	if nextLen == 0 {
		maxCount, minCount = 138, 3
	}
	bl := d.blTree[:]
	for n := 0; n <= maxCode; n++ {
		curLen := nextLen
		nextLen = int(tree[n+1].dl)
		count++
		if count < maxCount && curLen == nextLen {
			continue
		}
		switch {
		case count < minCount:
			for ; count != 0; count-- {
				d.sendCode(curLen, bl)
			}
		case curLen != 0:
			if curLen != prevLen {
				d.sendCode(curLen, bl)
				count--
			}
			d.sendCode(rep3To6, bl)
			d.bw.sendBits(uint(count-3), 2)
		case count <= 10:
			d.sendCode(repz3To10, bl)
			d.bw.sendBits(uint(count-3), 3)
		default:
			d.sendCode(repz11To138, bl)
			d.bw.sendBits(uint(count-11), 7)
		}
		count = 0
		prevLen = curLen
		switch {
		case nextLen == 0:
			maxCount, minCount = 138, 3
		case curLen == nextLen:
			maxCount, minCount = 6, 3
		default:
			maxCount, minCount = 7, 4
		}
	}
}

// sendAllTrees is send_all_trees: the dynamic block header.
func (d *deflater) sendAllTrees(lcodes, dcodes, blcodes int) {
	d.bw.sendBits(uint(lcodes-257), 5)
	d.bw.sendBits(uint(dcodes-1), 5)
	d.bw.sendBits(uint(blcodes-4), 4)
	for rank := 0; rank < blcodes; rank++ {
		d.bw.sendBits(uint(d.blTree[blOrder[rank]].dl), 3)
	}
	d.sendTree(d.dynL[:], lcodes-1)
	d.sendTree(d.dynD[:], dcodes-1)
}

// compressBlock is compress_block: write the block's symbols with the given
// trees, then END_BLOCK.
func (d *deflater) compressBlock(ltree, dtree []ctData) {
	for _, s := range d.syms {
		if s.dist == 0 {
			d.sendCode(int(s.lc), ltree)
			continue
		}
		lc := int(s.lc)
		code := int(lengthCode[lc])
		d.sendCode(code+literals+1, ltree)
		if extra := extraLBits[code]; extra != 0 {
			d.bw.sendBits(uint(lc-baseLength[code]), extra)
		}
		dist := int(s.dist) - 1
		code = dCode(dist)
		d.sendCode(code, dtree)
		if extra := extraDBits[code]; extra != 0 {
			d.bw.sendBits(uint(dist-baseDist[code]), extra)
		}
	}
	d.sendCode(endBlock, ltree)
}

// storedBlock is _tr_stored_block.
func (d *deflater) storedBlock(buf []byte, last bool) {
	d.bw.sendBits(storedBlock<<1|b2u(last), 3)
	d.bw.windup()
	n := uint16(len(buf))
	d.bw.out = append(d.bw.out, byte(n), byte(n>>8), byte(^n), byte(^n>>8))
	d.bw.out = append(d.bw.out, buf...)
}

// flushBlock is _tr_flush_block for levels 1-9: build the trees and write
// the block as stored, static or dynamic, whichever zlib's estimate says is
// smallest. buf is nil when the block's start has slid out of the window
// (a stored block is then impossible).
func (d *deflater) flushBlock(buf []byte, storedLen int, last bool) {
	d.buildTree(&d.lDesc)
	d.buildTree(&d.dDesc)
	maxBLIndex := d.buildBLTree()

	// Sizes in bytes, counting the 3-bit block header and rounding up.
	optLenB := (d.optLen + 3 + 7) >> 3
	staticLenB := (d.staticLen + 3 + 7) >> 3
	if staticLenB <= optLenB {
		optLenB = staticLenB
	}

	switch {
	case uint64(storedLen)+4 <= optLenB && buf != nil:
		// 4: the two length words; the header bits are in the padding.
		d.storedBlock(buf, last)
	case staticLenB == optLenB:
		d.bw.sendBits(staticTrees<<1|b2u(last), 3)
		d.compressBlock(staticLTree[:], staticDTree[:])
	default:
		d.bw.sendBits(dynTrees<<1|b2u(last), 3)
		d.sendAllTrees(d.lDesc.maxCode+1, d.dDesc.maxCode+1, maxBLIndex+1)
		d.compressBlock(d.dynL[:], d.dynD[:])
	}
	d.initBlock()
	if last {
		d.bw.windup()
	}
}

func b2u(b bool) uint {
	if b {
		return 1
	}
	return 0
}

// bitWriter writes bits least significant first, as send_bits does.
type bitWriter struct {
	out  []byte
	bits uint64
	n    uint
}

// sendBits writes the low length bits of v.
func (w *bitWriter) sendBits(v uint, length int) {
	w.bits |= uint64(v&(1<<length-1)) << w.n
	w.n += uint(length)
	for w.n >= 8 {
		w.out = append(w.out, byte(w.bits))
		w.bits >>= 8
		w.n -= 8
	}
}

// windup is bi_windup: pad to a byte boundary.
func (w *bitWriter) windup() {
	if w.n > 0 {
		w.out = append(w.out, byte(w.bits))
	}
	w.bits, w.n = 0, 0
}
