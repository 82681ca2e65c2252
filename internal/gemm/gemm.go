// Package gemm multiplies dense float64 matrices at the machine's speed in
// pure Go: a packed, cache-blocked product (the BLIS loop nest) around a 6×8
// register-blocked micro-kernel, written in Go assembly for AVX-512 (12×16)
// and for AVX2 with FMA (6×8) where the CPU has them, and in plain Go (6×8)
// everywhere else. F32 products (Prec) pack A and B to float32 and run a
// 6×16 AVX2 kernel: twice the multiply-adds a cycle, for training.
//
// Impl plugs it into gonum (blas64.Use(gemm.Impl{})), so every mat.Dense.Mul
// in the models runs on it; Dgemm is the same product called directly.
package gemm

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// The cache blocks: a packed kc×nr panel of B stays in L1 while the
// mr×kc panels of an mc×kc block of A (in L2) pass it; a kc×nc block of B
// lives in the last level. mc is a multiple of every kernel's mr.
const (
	kc = 256
	mc = 96
	nc = 2048
)

// The kernels, one per instruction set and precision: the tile they
// compute (mr×nr), their name, f32 for the float32 one and over for those
// that can store a tile over C (a product with beta 0 then need not clear
// C first).
type kernelKind struct {
	name   string
	mr, nr int
	f32    bool
	over   bool
}

var (
	portable = &kernelKind{name: "go", mr: 6, nr: 8, over: true}
	avx2     = &kernelKind{name: "avx2", mr: 6, nr: 8, over: true} // 12 YMM accumulators
	avx512   = &kernelKind{name: "avx512", mr: 12, nr: 16}         // 24 ZMM accumulators
	avx512x6 = &kernelKind{name: "avx512x6", mr: 6, nr: 16}        // 12 ZMM: A at most six rows high
	avx2s    = &kernelKind{name: "avx2/float32", mr: 6, nr: 16, f32: true, over: true}
)

// maxTile is the largest mr·nr, the edge tile's scratch.
const maxTile = 12 * 16

// small is the number of multiply-adds below which gonum's own Dgemm,
// which does not pack, is as fast.
const small = 8 * 8 * 8

// parallelWork is the number of multiply-adds above which a product is
// split between threads.
const parallelWork = 1 << 19

var threads atomic.Int32

func init() { threads.Store(int32(runtime.GOMAXPROCS(0))) }

// SetThreads sets how many goroutines one product may use (at least 1).
// A local explorer has the machine to itself and uses every core; a server
// sets 1, so that its gate, a slot per core, divides the cores between
// sessions.
func SetThreads(n int) { threads.Store(int32(max(1, n))) }

// Threads is how many goroutines one product may use.
func Threads() int { return int(threads.Load()) }

// Kernel names the micro-kernel in use: "avx512" or "avx2" where the CPU
// has them (and FMA), "go" on other CPUs, in builds tagged purego and when
// JCLUB_NOSIMD is set (JCLUB_NOSIMD=avx512 leaves out only AVX-512).
func Kernel() string { return use.name }

var use = choose(os.Getenv("JCLUB_NOSIMD"))

func choose(off string) *kernelKind {
	switch {
	case off != "" && off != "avx512":
		return portable
	case hasAVX512 && off == "":
		return avx512
	case hasAVX2:
		return avx2
	}
	return portable
}

// kinds lists the kernels this machine and build can run.
func kinds() []*kernelKind {
	k := []*kernelKind{portable}
	if hasAVX2 {
		k = append(k, avx2)
	}
	if hasAVX512 {
		k = append(k, avx512)
	}
	return k
}

// Impl is gonum's BLAS with Dgemm replaced by this package's.
type Impl struct{ gonum.Implementation }

// Dgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, as
// blas.Float64's Dgemm does (op(A) is m×k, op(B) is k×n, C is m×n). Small
// products and arguments gonum would refuse go to gonum, which checks them.
func (i Impl) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	aT, bT := tA != blas.NoTrans, tB != blas.NoTrans
	if m*n*k < small || !valid(aT, bT, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) ||
		(tA != blas.NoTrans && tA != blas.Trans) || (tB != blas.NoTrans && tB != blas.Trans) {
		i.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	Dgemm(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// valid reports whether the shapes and strides describe matrices inside the
// slices (what gonum's Dgemm checks before it panics).
func valid(aT, bT bool, m, n, k, la, lda, lb, ldb, lc, ldc int) bool {
	if m <= 0 || n <= 0 || k <= 0 || ldc < n || lc < (m-1)*ldc+n {
		return false
	}
	ar, ac := m, k
	if aT {
		ar, ac = k, m
	}
	br, bc := k, n
	if bT {
		br, bc = n, k
	}
	return lda >= ac && la >= (ar-1)*lda+ac && ldb >= bc && lb >= (br-1)*ldb+bc
}

// Prec is the arithmetic of a product. A, B and C are float64 either way.
type Prec uint8

const (
	// F64 multiplies and sums in float64.
	F64 Prec = iota
	// F32 rounds A and B to float32 as they are packed and multiplies
	// them in float32, summing at most kc products in a float32 register
	// before they are added to C in float64: twice the products a cycle
	// of F64 where the CPU has AVX2, a relative error near float32's
	// 6e-8 times √kc. It serves training, where a gradient's noise is far
	// larger; gradient checks and exact sums ask for F64. Without AVX2 (or
	// with JCLUB_NOSIMD set), and for A of at most 12 rows, F32 computes
	// as F64.
	F32
)

// Dgemm computes C = alpha·op(A)·op(B) + beta·C, where op(A) is A (m×k,
// row stride lda) or, with aT, the transpose of the k×m A; likewise B
// (k×n, or n×k with bT). C is m×n with row stride ldc. The shapes must be
// valid; Impl.Dgemm is the checked entry.
func (p Prec) Dgemm(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	dgemm(p, Threads(), aT, bT, m, n, k, alpha, a, lda, b, ldb, nil, beta, c, ldc)
}

// DgemmSerial is Dgemm on the calling goroutine alone, for callers that
// share the work between the cores themselves.
func (p Prec) DgemmSerial(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	dgemm(p, 1, aT, bT, m, n, k, alpha, a, lda, b, ldb, nil, beta, c, ldc)
}

// DgemmRows computes C = alpha·A·B[rows]+ beta·C, B[rows] being the
// len(rows)×n matrix of B's rows listed in rows (k = len(rows)): a product
// with a sparse input's non-zero columns, without gathering B's rows first.
func (p Prec) DgemmRows(m, n int, alpha float64, a []float64, lda int, b []float64, ldb int, rows []int, beta float64, c []float64, ldc int) {
	dgemm(p, Threads(), false, false, m, n, len(rows), alpha, a, lda, b, ldb, rows, beta, c, ldc)
}

// Dgemm is F64.Dgemm.
func Dgemm(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	F64.Dgemm(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// DgemmSerial is F64.DgemmSerial.
func DgemmSerial(aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	F64.DgemmSerial(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// DgemmRows is F64.DgemmRows.
func DgemmRows(m, n int, alpha float64, a []float64, lda int, b []float64, ldb int, rows []int, beta float64, c []float64, ldc int) {
	F64.DgemmRows(m, n, alpha, a, lda, b, ldb, rows, beta, c, ldc)
}

// kernelFor is the kernel a product of m rows in precision p runs on.
// F32 runs on float32 panels where A is more than two panels high: below
// that, F64 reads B in place and is faster than packing B to float32.
func kernelFor(p Prec, m int) *kernelKind {
	switch {
	case p == F32 && use != portable && hasAVX2 && m > 2*avx2s.mr:
		return avx2s
	case use == avx512 && m <= avx512x6.mr:
		return avx512x6 // a 12-row tile would be half padding
	}
	return use
}

func dgemm(prec Prec, p int, aT, bT bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, rows []int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	kk := kernelFor(prec, m)
	byDots := dotsFit(aT, bT, rows, m, n, k)
	// with beta 0 the first block of k is stored over C where the kernel
	// can: no pass to clear C first
	set := beta == 0 && kk.over && !byDots && k > 0 && alpha != 0
	if beta != 1 && !set {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
				continue
			}
			for j := range row {
				row[j] *= beta
			}
		}
	}
	if k == 0 || alpha == 0 {
		return
	}
	part := func(i0, i1, j0, j1 int) {
		buf := pool.Get().(*buffers)
		defer pool.Put(buf)
		if byDots {
			dots(&buf.tile, m, n, i0, i1, j0, j1, k, alpha, a, lda, b, ldb, c, ldc)
		} else if kk.f32 {
			product(&buf.s, &buf.tile, kk, aT, bT, i0, i1, j0, j1, k, alpha, a, lda, b, ldb, rows, set, c, ldc)
		} else {
			product(&buf.d, &buf.tile, kk, aT, bT, i0, i1, j0, j1, k, alpha, a, lda, b, ldb, rows, set, c, ldc)
		}
	}
	if p == 1 || m*n*k < parallelWork {
		part(0, m, 0, n)
		return
	}
	// Split the longer side of C into one strip per thread, in whole
	// micro-tiles; each strip is an independent product.
	var wg sync.WaitGroup
	if n >= m {
		step := (n/p + kk.nr) / kk.nr * kk.nr
		for j0 := 0; j0 < n; j0 += step {
			wg.Add(1)
			go func(j0 int) {
				defer wg.Done()
				part(0, m, j0, min(n, j0+step))
			}(j0)
		}
	} else {
		step := (m/p + kk.mr) / kk.mr * kk.mr
		for i0 := 0; i0 < m; i0 += step {
			wg.Add(1)
			go func(i0 int) {
				defer wg.Done()
				part(i0, min(m, i0+step), 0, n)
			}(i0)
		}
	}
	wg.Wait()
}

// dotsFit reports whether C += alpha·A·Bᵀ is done as dot products of A's
// and B's rows (dots): k at least four times m and n, the shape of a weight
// gradient dZ·Xᵀ summed over a batch's pixels, where packing A and B would
// cost about as much as the product. The dot kernel is AVX2's, in float64
// for either precision (it reads A and B in place, as they are).
func dotsFit(aT, bT bool, rows []int, m, n, k int) bool {
	return !aT && bT && rows == nil && use != portable && hasAVX2 && m >= 3 && n >= 4 && k >= 4*max(m, n)
}

// dotBlock is the length of the dot kernel's products: three rows of A and
// four of B, 28 KB, stay in L1 while the kernel passes them.
const dotBlock = 512

// dots adds alpha·A·Bᵀ to rows i0..i1 and columns j0..j1 of the m×n C,
// three rows by four columns at a time (a last block short of them
// overlaps the one before, in a scratch tile), in blocks of dotBlock.
func dots(tile *[maxTile]float64, m, n, i0, i1, j0, j1, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	k4 := k / 4 * 4
	t := tile[:12]
	for pc := 0; pc < k4; pc += dotBlock {
		kb := min(dotBlock, k4-pc)
		for ib := i0; ib < i1; ib += 3 {
			r0 := min(ib, m-3)
			for jb := j0; jb < j1; jb += 4 {
				c0 := min(jb, n-4)
				ap, bp := a[r0*lda+pc:], b[c0*ldb+pc:]
				_, _ = ap[2*lda+kb-1], bp[3*ldb+kb-1]
				if r0 == ib && c0 == jb && ib+3 <= i1 && jb+4 <= j1 {
					_ = c[(ib+2)*ldc+jb+3]
					dot256(kb, &ap[0], lda, &bp[0], ldb, &c[ib*ldc+jb], ldc, alpha)
					continue
				}
				clear(t)
				dot256(kb, &ap[0], lda, &bp[0], ldb, &t[0], 4, alpha)
				for i := ib; i < min(ib+3, i1); i++ {
					for j := jb; j < min(jb+4, j1); j++ {
						c[i*ldc+j] += t[(i-r0)*4+j-c0]
					}
				}
			}
		}
	}
	// the last k mod 4 products
	for i := i0; i < i1 && k4 < k; i++ {
		for j := j0; j < j1; j++ {
			var s float64
			for p := k4; p < k; p++ {
				s += a[i*lda+p] * b[j*ldb+p]
			}
			c[i*ldc+j] += alpha * s
		}
	}
}

// elem is the type of packed panels: float64, or float32 for F32.
type elem interface{ float32 | float64 }

// panels holds one thread's packed blocks of A and B.
type panels[T elem] struct{ a, b []T }

// buffers holds one thread's panels of either precision and the scratch
// tile of the kernels' edges.
type buffers struct {
	d    panels[float64]
	s    panels[float32]
	tile [maxTile]float64
}

var pool = sync.Pool{New: func() any { return new(buffers) }}

// grow returns s with room for n values, reusing it when it has that.
func grow[T elem](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// product adds alpha·op(A)·op(B) to rows i0..i1 and columns j0..j1 of C,
// or with set stores it over them, packing into buf. B's row p is rows[p]
// where rows is not nil.
func product[T elem](buf *panels[T], tile *[maxTile]float64, kk *kernelKind, aT, bT bool, i0, i1, j0, j1, k int, alpha float64, a []float64, lda int, b []float64, ldb int, rows []int, set bool, c []float64, ldc int) {
	mr, nr := kk.mr, kk.nr
	// k in equal blocks of at most kc: no short last block whose tiles
	// would cost a load and store of C for little work
	kd := (k + (k+kc-1)/kc - 1) / ((k + kc - 1) / kc)
	buf.a = grow(buf.a, min(mc, i1-i0+mr)*kd)
	buf.b = grow(buf.b, kd*(min(nc, j1-j0)+nr))
	// B read in place where A is a panel or two high (and B's values are
	// the kernel's): packing it would copy all of B for one or two passes
	// over it
	in, direct := any(b).([]T)
	direct = direct && !bT && rows == nil && i1-i0 <= 2*mr
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < k; pc += kd {
			kb := min(kd, k-pc)
			var bs []T
			if direct {
				bs = in[pc*ldb+jc:]
				if edge := nb / nr * nr; edge < nb { // the last, narrow panel packed (zero-padded)
					packB(buf.b, nr, false, b, ldb, nil, pc, kb, jc+edge, nb-edge)
				}
			} else {
				packB(buf.b, nr, bT, b, ldb, rows, pc, kb, jc, nb)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				packA(buf.a, mr, aT, a, lda, ic, mb, pc, kb)
				block(buf, tile, kk, mb, nb, kb, alpha, set && pc == 0, c[ic*ldc+jc:], ldc, bs, ldb)
			}
		}
	}
}

// block multiplies a packed mb×kb block of A by a kb×nb block of B into
// C (added, or stored over it with over), one micro-tile at a time. B's
// panels are packed in buf.b or, where bs is not nil, read in place from
// bs (row stride ldb) but for a narrow last panel, packed at the start of
// buf.b.
func block[T elem](buf *panels[T], tile *[maxTile]float64, kk *kernelKind, mb, nb, kb int, alpha float64, over bool, c []float64, ldc int, bs []T, ldb int) {
	mr, nr := kk.mr, kk.nr
	for jr := 0; jr < nb; jr += nr {
		w := min(nr, nb-jr)
		bp, stride := buf.b[jr*kb:], nr
		switch {
		case bs != nil && w == nr:
			bp, stride = bs[jr:], ldb
		case bs != nil:
			bp = buf.b
		}
		for ir := 0; ir < mb; ir += mr {
			ap := buf.a[ir*kb:]
			h := min(mr, mb-ir)
			if h == mr && w == nr {
				kernel(kk, kb, ap, bp, stride, c[ir*ldc+jr:], ldc, alpha, over)
				continue
			}
			// A tile on the edge: compute it whole into a scratch tile
			// (the packed panels are zero-padded) and add what is inside.
			t := tile[:mr*nr]
			if !kk.over {
				clear(t)
			}
			kernel(kk, kb, ap, bp, stride, t, nr, alpha, true)
			for r := range h {
				row := c[(ir+r)*ldc+jr : (ir+r)*ldc+jr+w]
				if over {
					copy(row, t[r*nr:])
					continue
				}
				for j := range row {
					row[j] += t[r*nr+j]
				}
			}
		}
	}
}

// packA copies rows ic..ic+mb and columns pc..pc+kb of op(A) into panels of
// mr rows, each stored column after column (mr values per k), the last
// panel padded with zeros.
func packA[T elem](dst []T, mr int, aT bool, a []float64, lda, ic, mb, pc, kb int) {
	for ir := 0; ir < mb; ir += mr {
		p := dst[ir*kb : ir*kb+mr*kb]
		h := min(mr, mb-ir)
		if h < mr {
			clear(p)
		}
		if aT {
			// op(A)'s column pc+q is A's row: mr values side by side
			for q := range kb {
				off := (pc+q)*lda + ic + ir
				copyShort(p[q*mr:q*mr+h], a[off:off+h])
			}
			continue
		}
		// A's rows ic+ir.. across: a transpose
		transpose(p, mr, a, (ic+ir)*lda+pc, lda, h, kb)
	}
}

// transpose writes w rows of src, each kb long, from off with stride ld,
// into dst as kb groups of stride values (row j at position j of each):
// dst[q·stride + j] = src[off + j·ld + q]. Four rows at a time, so that
// each q stores four neighbours.
func transpose[T elem](dst []T, stride int, src []float64, off, ld, w, kb int) {
	j := 0
	for ; j+4 <= w; j += 4 {
		r0 := src[off+j*ld:][:kb]
		r1 := src[off+(j+1)*ld:][:kb]
		r2 := src[off+(j+2)*ld:][:kb]
		r3 := src[off+(j+3)*ld:][:kb]
		for q := range r0 {
			d := dst[q*stride+j:][:4:4]
			d[0], d[1], d[2], d[3] = T(r0[q]), T(r1[q]), T(r2[q]), T(r3[q])
		}
	}
	for ; j < w; j++ {
		r := src[off+j*ld:][:kb]
		for q, v := range r {
			dst[q*stride+j] = T(v)
		}
	}
}

// copyShort copies a few values (a panel's width): for float64 panels of
// a kernel's width as a fixed-size array, which the compiler moves in
// line; into float32 panels rounding each.
func copyShort[T elem](dst []T, src []float64) {
	if d, ok := any(dst).([]float64); ok {
		switch len(d) {
		case 16:
			*(*[16]float64)(d) = *(*[16]float64)(src)
		case 12:
			*(*[12]float64)(d) = *(*[12]float64)(src)
		case 8:
			*(*[8]float64)(d) = *(*[8]float64)(src)
		case 6:
			*(*[6]float64)(d) = *(*[6]float64)(src)
		default:
			copy(d, src)
		}
		return
	}
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = T(v)
	}
}

// packB copies rows pc..pc+kb and columns jc..jc+nb of op(B) into panels
// of nr columns, each stored row after row (nr values per k), the last
// panel padded with zeros; B's row p is rows[p] where rows is not nil
// (and B not transposed).
func packB[T elem](dst []T, nr int, bT bool, b []float64, ldb int, rows []int, pc, kb, jc, nb int) {
	for jr := 0; jr < nb; jr += nr {
		p := dst[jr*kb : jr*kb+nr*kb]
		w := min(nr, nb-jr)
		if w < nr {
			clear(p)
		}
		if bT {
			// op(B)'s column jc+jr+j is B's row: a transpose
			transpose(p, nr, b, (jc+jr)*ldb+pc, ldb, w, kb)
			continue
		}
		for q := range kb {
			r := pc + q
			if rows != nil {
				r = rows[r]
			}
			off := r*ldb + jc + jr
			copyShort(p[q*nr:q*nr+w], b[off:off+w])
		}
	}
}

// kernel adds alpha times the product of an mr×k panel of A (packed) and
// a k×nr panel of B, its rows ldb apart (nr where packed), to the mr×nr
// tile of C at c (row stride ldc), or with over (where kk.over) stores
// it over the tile.
func kernel[T elem](kk *kernelKind, k int, a, b []T, ldb int, c []float64, ldc int, alpha float64, over bool) {
	_ = a[kk.mr*k-1]
	_ = b[(k-1)*ldb+kk.nr-1]
	_ = c[(kk.mr-1)*ldc+kk.nr-1]
	if s, ok := any(a).([]float32); ok {
		kernel256s(k, &s[0], &any(b).([]float32)[0], &c[0], ldc, alpha, over)
		return
	}
	a64, b64 := any(a).([]float64), any(b).([]float64)
	switch kk {
	case avx512:
		kernel512(k, &a64[0], &b64[0], &c[0], ldc, alpha, ldb)
	case avx512x6:
		kernel512x6(k, &a64[0], &b64[0], &c[0], ldc, alpha, ldb)
	case avx2:
		kernel256(k, &a64[0], &b64[0], &c[0], ldc, alpha, ldb, over)
	default:
		kernelGo(k, a64, b64, ldb, c, ldc, alpha, over)
	}
}

// kernelGo is the portable kernel's 6×8 tile in plain Go: one row at a
// time, its eight sums in registers.
func kernelGo(k int, a, b []float64, ldb int, c []float64, ldc int, alpha float64, over bool) {
	const mr, nr = 6, 8
	for r := range mr {
		var s0, s1, s2, s3, s4, s5, s6, s7 float64
		for q := range k {
			x := a[q*mr+r]
			bq := b[q*ldb : q*ldb+nr : q*ldb+nr]
			s0 += x * bq[0]
			s1 += x * bq[1]
			s2 += x * bq[2]
			s3 += x * bq[3]
			s4 += x * bq[4]
			s5 += x * bq[5]
			s6 += x * bq[6]
			s7 += x * bq[7]
		}
		row := c[r*ldc : r*ldc+nr : r*ldc+nr]
		if over {
			clear(row)
		}
		row[0] += alpha * s0
		row[1] += alpha * s1
		row[2] += alpha * s2
		row[3] += alpha * s3
		row[4] += alpha * s4
		row[5] += alpha * s5
		row[6] += alpha * s6
		row[7] += alpha * s7
	}
}

// Split runs f over 0..n in Threads() contiguous parts at once (one part
// when cost, the work of the whole range in multiply-adds or the like, is
// too small to share): the element-wise work around the products.
func Split(n, cost int, f func(i0, i1 int)) {
	p := min(Threads(), n)
	if p <= 1 || cost < parallelWork {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + p - 1) / p
	for i0 := 0; i0 < n; i0 += step {
		wg.Add(1)
		go func(i0 int) {
			defer wg.Done()
			f(i0, min(n, i0+step))
		}(i0)
	}
	wg.Wait()
}
